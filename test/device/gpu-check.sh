#!/usr/bin/env bash
# Runs the GPU view's nvidia-smi commands on this machine, keeps their raw output (to become recorded fixtures in
# test/stack/fixtures/nvidia-smi/) and reads it with client/src/stack/gpu/gpus.ts, printing the parsed state.
# Usage: bash test/device/gpu-check.sh      Output folder: $OUT, else ./gpu-check-out/
#   query.stdout/.stderr/.exit, list.stdout/.stderr/.exit   the two commands, raw; .exit is the code or ENOENT
#   env.txt, nvidia-smi.txt                                   driver/CUDA versions and the full table, for the README
#   parsed.json                                               readGpuState(query, list)
# Parsing needs node plus esbuild (node_modules/esbuild, carried with the tree) or Node >= 22.6 (type stripping);
# without them the raw output is still saved. With node and esbuild it also runs test/device/gpuViewCheck.ts: the PATH
# lookup, the process runner and the GPUs view's rows on the real nvidia-smi (view.json).
# The device machine has no node: carry one compressed (xz -c "$(readlink -f "$(command -v node)")" > .devcarry/node.xz)
# and the script unpacks it with python3's lzma when node is missing.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${OUT:-./gpu-check-out}"
mkdir -p "$out" && out="$(cd "$out" && pwd)"

# The same commands as GPU_QUERY_COMMAND and GPU_LIST_COMMAND (test/stack/gpus.test.ts checks these lines).
QUERY_ARGS=(--query-gpu=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,mig.mode.current --format=csv,noheader,nounits)
LIST_ARGS=(-L)

capture() { # capture NAME ARGS...: raw stdout, stderr and exit code of `nvidia-smi ARGS`
  local name=$1
  shift
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
    echo $? >"$out/$name.exit"
  else
    : >"$out/$name.stdout"
    echo "nvidia-smi: command not found" >"$out/$name.stderr"
    echo ENOENT >"$out/$name.exit"
  fi
}
capture query "${QUERY_ARGS[@]}"
capture list "${LIST_ARGS[@]}"
{ nvidia-smi --query-gpu=driver_version --format=csv,noheader; nvidia-smi --version; } >"$out/env.txt" 2>&1 || true
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
for name in query list; do
  echo "== nvidia-smi ${name} (exit $(cat "$out/$name.exit"))"
  cat "$out/$name.stdout" "$out/$name.stderr"
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! command -v node >/dev/null 2>&1 && [ -f "$root/.devcarry/node.xz" ] && command -v python3 >/dev/null 2>&1; then
  mkdir -p "$tmp/bin" && python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$root/.devcarry/node.xz" "$tmp/bin/node" &&
    chmod +x "$tmp/bin/node" && export PATH="$tmp/bin:$PATH" && echo "== node $(node -v) unpacked from .devcarry/node.xz"
fi
module="" node_flags=()
if command -v node >/dev/null 2>&1 && [ -d "$root/node_modules/esbuild" ] &&
  node -e 'require(process.argv[1]).buildSync({ entryPoints: [process.argv[2]], bundle: true, platform: "node", format: "cjs", outfile: process.argv[3], logLevel: "warning" })' \
    "$root/node_modules/esbuild" "$root/client/src/stack/gpu/gpus.ts" "$tmp/gpus.cjs"; then
  module="$tmp/gpus.cjs"
elif command -v node >/dev/null 2>&1 && node --experimental-strip-types -e 0 >/dev/null 2>&1; then
  cp "$root/client/src/stack/gpu/gpus.ts" "$tmp/gpus.mts"
  module="$tmp/gpus.mts" node_flags=(--experimental-strip-types --no-warnings)
fi
if [ -z "$module" ]; then
  echo "raw output saved in $out; not parsed (needs node with node_modules/esbuild, or Node >= 22.6)"
  exit 0
fi

# The view check bundles the stack modules (dockerode among their imports): pre-bundle it where node_modules is
# whole (node_modules/esbuild/bin/esbuild test/device/gpuViewCheck.ts --bundle --platform=node
# --external:cpu-features --external:'*.node' --outfile=.devcarry/view.cjs) and carry .devcarry.
if [ -f "$root/.devcarry/view.cjs" ] && command -v node >/dev/null 2>&1; then
  echo "== the GPU view on this machine (test/device/gpuViewCheck.ts, pre-bundled)"
  node "$root/.devcarry/view.cjs" | tee "$out/view.json"
elif [ -n "$module" ] && [ -z "${node_flags[*]-}" ] &&
  node -e 'require(process.argv[1]).buildSync({ entryPoints: [process.argv[2]], bundle: true, platform: "node", format: "cjs", outfile: process.argv[3], logLevel: "warning", external: ["cpu-features", "*.node"] })' \
    "$root/node_modules/esbuild" "$root/test/device/gpuViewCheck.ts" "$tmp/view.cjs"; then
  echo "== the GPU view on this machine (test/device/gpuViewCheck.ts)"
  node "$tmp/view.cjs" | tee "$out/view.json"
fi

node ${node_flags[@]+"${node_flags[@]}"} - "$module" "$out" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const [modulePath, out] = process.argv.slice(2);
const result = (name) => {
  const text = (ext) => readFileSync(join(out, `${name}.${ext}`), 'utf8');
  const exit = text('exit').trim();
  if (exit === 'ENOENT') return { stdout: '', stderr: text('stderr'), exitCode: null, error: { code: 'ENOENT', message: 'spawn nvidia-smi ENOENT' } };
  return { stdout: text('stdout'), stderr: text('stderr'), exitCode: Number(exit) };
};
import(pathToFileURL(modulePath).href).then((loaded) => {
  const gpus = typeof loaded.readGpuState === 'function' ? loaded : loaded.default;
  const state = gpus.readGpuState(result('query'), result('list'));
  writeFileSync(join(out, 'parsed.json'), JSON.stringify(state, null, 2) + '\n');
  console.log('== parsed');
  console.log(JSON.stringify(state, null, 2));
  if (state.kind === 'gpus') for (const g of state.gpus) { const d = gpus.describeGpu(g); console.log(`${d.label}  ${d.description}`); }
  if (state.kind === 'no-gpu') console.log(gpus.NO_GPU_HINTS[state.reason]);
});
JS
