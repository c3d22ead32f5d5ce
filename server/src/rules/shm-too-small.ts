import { appendToMap, replaceScalar } from '../compose/edits';
import { describeParallelism, parallelismOf, type Parallelism } from '../compose/gpuReservation';
import { interpolate } from '../compose/interpolation';
import type { ServiceInfo } from '../compose/service';
import { serviceMounts } from '../compose/volumes';
import { formatBytes, parseByteSize } from '../core/byteSize';
import type { Span, SpanFix } from '../core/types';
import type { EngineId } from '../engines/engines';
import type { ComposeContext, Rule } from './rule';

/**
 * What each engine's own Docker docs say about shared memory when a model is split over several GPUs in one
 * container (NCCL and PyTorch pass data between the GPU processes through /dev/shm; Docker gives 64 MiB):
 * - vLLM, docs.vllm.ai "Deploying with Docker": "You can either use the ipc=host flag or --shm-size flag to allow
 *   the container to access the host's shared memory. vLLM uses PyTorch, which uses shared memory to share data
 *   between processes under the hood, particularly for tensor parallel inference." No size is given.
 * - TGI, huggingface/text-generation-inference README.md "A note on Shared Memory (shm)": NCCL "might fall back
 *   to using the host memory if peer-to-peer using NVLink or PCI is not possible. To allow the container to use
 *   1G of Shared Memory and support SHM sharing, we add --shm-size 1g"; `NCCL_SHM_DISABLE=1` turns it off.
 * - SGLang, sgl-project/sglang docker/compose.yaml and docs/get-started/install: `ipc: host` (`--ipc=host`).
 * - NVIDIA NIM, docs.nvidia.com/nim/large-language-models 1.1.0 configuration: "Passing --shm-size=16GB to docker
 *   run is required when not using NVLink for multi-GPU setups. It is not required on SXM systems or when using
 *   profiles using only 1 GPU" (nim-facts.json `shm`); NVIDIA's own NIM Compose files set `shm_size: 16GB`.
 */
const DOCUMENTED: Partial<Record<EngineId, { docs: string; size?: { bytes: number; text: string } }>> = {
  vllm: { docs: "vLLM's Docker docs ask for `ipc: host` or a larger `shm_size`" },
  tgi: { docs: "TGI's docs run it with `--shm-size 1g`", size: { bytes: 1024 ** 3, text: '1g' } },
  sglang: { docs: "SGLang's Docker docs run it with `ipc: host`" },
  nim: { docs: "NVIDIA's NIM docs require `--shm-size=16GB` for multi-GPU serving without NVLink (not on SXM systems)", size: { bytes: 16 * 1024 ** 3, text: '16GB' } },
};

/** Docker's /dev/shm when nothing sets it (docker run reference, `--shm-size`: "default is 64MB"). */
const DOCKER_DEFAULT_SHM = 64 * 1024 ** 2;

export const rule: Rule = {
  meta: {
    id: 'shm-too-small',
    defaultSeverity: 'warning',
    title: 'Multi-GPU model service with Docker\'s 64 MiB of shared memory',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    const dotEnv = ctx.file.dotEnv;
    for (const info of ctx.services) {
      const engine = info.engine;
      const facts = engine ? DOCUMENTED[engine.id] : undefined;
      if (!engine || !facts || !info.isModelService || ownsSharedMemory(info, dotEnv)) continue;
      const parallelism = parallelismOf(info, dotEnv);
      if (!parallelism || parallelism.total < 2) continue;
      const shm = info.service.map.get('shm_size');
      const split = `${engine.name} splits the model over ${parallelism.total} GPUs (${describeParallelism(parallelism)})`;
      if (!shm) {
        ctx.report({
          span: factorSpan(info, parallelism) ?? info.service.keyAt,
          message:
            `${split} in service "${info.service.name}", which keeps Docker's ${formatBytes(DOCKER_DEFAULT_SHM)} of shared memory: ` +
            `NCCL passes data between the GPUs through /dev/shm when they cannot reach each other directly, and fails or hangs when it is full. ` +
            `${facts.docs}. Add one of them.`,
          fixes: fixesFor(ctx, info, facts.size?.text),
        });
        continue;
      }
      const raw = shm.value.text;
      const resolved = raw === undefined ? undefined : interpolate(raw, dotEnv);
      const bytes = resolved === undefined ? undefined : parseByteSize(resolved);
      const wanted = facts.size;
      if (!wanted || bytes === undefined || bytes >= wanted.bytes) continue;
      const edit = shm.pair && !shm.value.inherited ? replaceScalar(shm.value.node, wanted.text) : undefined;
      ctx.report({
        span: shm.value.at,
        message: `${split} in service "${info.service.name}" with ${formatBytes(bytes)} of shared memory: ${facts.docs}. Raise it.`,
        fixes: edit ? [{ title: `Set shm_size: ${wanted.text}`, preferred: true, edits: [edit] }] : [],
      });
    }
  },
};

/**
 * The service gets shared memory some other way, or does not use it: `ipc: host` (or another container's
 * namespace), a mount or tmpfs at /dev/shm, or NCCL told not to use it (`NCCL_SHM_DISABLE=1`).
 */
function ownsSharedMemory(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>): boolean {
  const ipc = info.service.map.text('ipc');
  if (ipc !== undefined && ipc !== 'private' && ipc !== 'shareable') return true;
  if (serviceMounts(info.service.map, dotEnv).mounts.some((m) => m.target === '/dev/shm' || m.target === undefined)) return true;
  const tmpfs = info.service.map.get('tmpfs');
  const tmpfsItems = tmpfs?.value.asSeq()?.items().map((i) => i.text) ?? [tmpfs?.value.text];
  if (tmpfsItems.some((t) => t !== undefined && /^\/dev\/shm(:|$)/.test(t.trim()))) return true;
  const disable = info.env.find((e) => e.name === 'NCCL_SHM_DISABLE');
  return disable !== undefined && (disable.value === undefined || disable.value.trim() !== '0');
}

/** Where the parallelism is set: the flag, or its env var (TGI's NUM_SHARD, NIM_TENSOR_PARALLEL_SIZE). */
function factorSpan(info: ServiceInfo, parallelism: Parallelism): Span | undefined {
  const source = parallelism.factors.find((f) => f.size > 1)?.source;
  if (source === undefined) return undefined;
  return info.flags.find((f) => f.name === source)?.nameSpan ?? info.env.find((e) => e.name === source)?.nameSpan;
}

/**
 * `shm_size` with the engine's documented size when it has one (TGI), else `ipc: host` as the engine's docs
 * show. `ipc: host` shares the host's IPC namespace with the container, so it is offered second where a size is
 * known; the docs page says so.
 */
function fixesFor(ctx: ComposeContext, info: ServiceInfo, size: string | undefined): SpanFix[] {
  const map = info.service.map;
  const fixes: SpanFix[] = [];
  const shm = size === undefined ? undefined : appendToMap(ctx.file, map, [`shm_size: ${size}`]);
  if (shm) fixes.push({ title: `Add shm_size: ${size}`, preferred: true, edits: [shm] });
  const ipc = map.has('ipc') ? undefined : appendToMap(ctx.file, map, ['ipc: host']);
  if (ipc) fixes.push({ title: 'Add ipc: host', preferred: fixes.length === 0, edits: [ipc] });
  return fixes;
}
