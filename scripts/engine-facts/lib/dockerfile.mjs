// What an image built from a Dockerfile carries at run time, read from the Dockerfile's text: the stage a build ends
// in (the last one, or `--target`), followed through the stages it is built FROM, with ENV, ENTRYPOINT, CMD, WORKDIR,
// USER, EXPOSE, HEALTHCHECK and the packages its RUN lines install with apt-get/apk. ARG defaults and build args are
// substituted the way BuildKit does for `$X` and `${X}` (the `${X:-d}` forms too); anything unresolved stays as written.
// Nothing is built.

/** Instructions with continuation lines joined, comments dropped. */
export function dockerInstructions(text) {
  const out = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let buf = null;
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (buf === null) {
      if (/^\s*#/.test(line) || line.trim() === '') continue;
      buf = '';
      startLine = i + 1;
    } else if (/^\s*#/.test(line)) continue; // comment lines inside a continued instruction are dropped
    const cont = /\\\s*$/.test(line);
    buf += (buf ? ' ' : '') + (cont ? line.replace(/\\\s*$/, '') : line).trim();
    if (!cont) {
      const m = /^(\w+)\s*([\s\S]*)$/.exec(buf);
      if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: startLine });
      buf = null;
    }
  }
  return out;
}

export function substitute(value, vars) {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, braced, op, word, bare) => {
    const name = braced ?? bare;
    const v = vars[name];
    if (op === '-') return v !== undefined && v !== '' ? v : word;
    if (op === '+') return v !== undefined && v !== '' ? word : '';
    return v !== undefined ? v : all;
  });
}

/** `a=b c="d e"` or the legacy `a b c` (one variable, the rest its value). */
export function parseKeyValues(args) {
  const pairs = [];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*=/.test(args)) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args);
    if (m) pairs.push([m[1], m[2]]);
    return pairs;
  }
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:\\.|[^\s"'])*)/g;
  for (const m of args.matchAll(re)) {
    let v = m[2];
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (v.startsWith("'")) v = v.slice(1, -1);
    pairs.push([m[1], v]);
  }
  return pairs;
}

function execOrShell(args) {
  const t = args.trim();
  if (t.startsWith('[')) {
    try {
      return { form: 'exec', argv: JSON.parse(t) };
    } catch {
      /* not JSON: shell form */
    }
  }
  return { form: 'shell', argv: ['/bin/sh', '-c', t], command: t };
}

/** Packages named by `apt-get install` / `apt install` / `apk add` in a RUN line. */
function installedPackages(run) {
  const pkgs = [];
  for (const seg of run.split(/&&|;|\|\|/)) {
    const m = /\b(?:apt-get|apt)\s+(?:-\S+\s+)*install\s+([\s\S]*)$/.exec(seg) ?? /\bapk\s+(?:-\S+\s+)*add\s+([\s\S]*)$/.exec(seg);
    if (!m) continue;
    for (const w of m[1].split(/\s+/)) {
      if (!w || w.startsWith('-') || w.startsWith('$') || w.includes('=') && !/^[a-z0-9.+-]+=[\w.:~+-]+$/.test(w)) continue;
      if (!/^[a-z0-9][a-z0-9.+-]*(=[\w.:~+-]+)?$/.test(w)) continue;
      pkgs.push(w.replace(/=.*/, ''));
    }
  }
  return pkgs;
}

/**
 * @param {string} text the Dockerfile
 * @param {{ target?: string, buildArgs?: Record<string,string> }} options
 */
export function imageFacts(text, { target, buildArgs = {} } = {}) {
  const instructions = dockerInstructions(text);
  const globalArgs = {};
  const stages = [];
  let stage = null;
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const platform = /--platform=(\S+)/.exec(ins.args)?.[1] ?? null;
      const image = substitute(words[0], { ...globalArgs, ...buildArgs });
      const name = words[1]?.toLowerCase() === 'as' ? words[2] : null;
      stage = { name, image, imageAsWritten: words[0], platform, line: ins.line, instructions: [] };
      stages.push(stage);
      continue;
    }
    if (!stage) {
      if (ins.keyword === 'ARG') for (const [k, v] of parseArg(ins.args)) globalArgs[k] = buildArgs[k] ?? v;
      continue;
    }
    stage.instructions.push(ins);
  }
  const final = target ? stages.find((s) => s.name === target) : stages.at(-1);
  if (!final) throw new Error(`no stage ${target ?? '(last)'}`);
  // The chain of stages from the outermost base to the final one.
  const chain = [];
  for (let s = final; s; ) {
    chain.unshift(s);
    const parent = stages.slice(0, stages.indexOf(s)).reverse().find((p) => p.name && p.name === s.image);
    s = parent ?? null;
  }
  const env = {};
  const envLines = {};
  let entrypoint = null;
  let cmd = null;
  let workdir = null;
  let user = null;
  let healthcheck = null;
  const expose = [];
  const packages = [];
  const copied = [];
  for (const s of chain) {
    const stageArgs = {}; // ARG is scoped to its stage: a stage built FROM another does not inherit it
    for (const ins of s.instructions) {
      const vars = { ...stageArgs, ...env };
      switch (ins.keyword) {
        case 'ARG':
          for (const [k, v] of parseArg(ins.args)) stageArgs[k] = buildArgs[k] ?? (v !== undefined ? substitute(v, vars) : globalArgs[k]);
          break;
        case 'ENV':
          for (const [k, v] of parseKeyValues(ins.args)) {
            env[k] = substitute(v, vars);
            envLines[k] = { stage: s.name, line: ins.line, as_written: v };
          }
          break;
        case 'ENTRYPOINT':
          entrypoint = { ...execOrShell(ins.args), line: ins.line, stage: s.name };
          cmd = null; // ENTRYPOINT resets an inherited CMD
          break;
        case 'CMD':
          cmd = { ...execOrShell(ins.args), line: ins.line, stage: s.name };
          break;
        case 'WORKDIR': {
          const dir = substitute(ins.args, vars);
          workdir = dir.startsWith('/') || !workdir ? dir : `${workdir.replace(/\/$/, '')}/${dir}`;
          break;
        }
        case 'USER':
          user = substitute(ins.args, vars);
          break;
        case 'EXPOSE':
          expose.push(...ins.args.split(/\s+/).map((p) => substitute(p, vars)));
          break;
        case 'HEALTHCHECK':
          healthcheck = { args: ins.args, line: ins.line };
          break;
        case 'RUN':
          packages.push(...installedPackages(ins.args).map((p) => ({ name: p, stage: s.name, line: ins.line })));
          break;
        case 'COPY':
        case 'ADD': {
          const words = ins.args.split(/\s+/);
          const from = words.find((w) => w.startsWith('--from='))?.slice(7) ?? null;
          const rest = words.filter((w) => !w.startsWith('--'));
          copied.push({ from, sources: rest.slice(0, -1), dest: rest.at(-1), line: ins.line });
          break;
        }
        default:
          break;
      }
    }
  }
  return {
    stage: final.name,
    base_image: chain[0].image,
    stages: chain.map((s) => ({ name: s.name, from: s.image, line: s.line })),
    env,
    env_lines: envLines,
    entrypoint,
    cmd,
    workdir,
    user,
    expose,
    healthcheck,
    packages,
    copied,
    global_args: globalArgs,
  };
}

function parseArg(args) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args.trim());
  if (!m) return [];
  let v = m[2];
  if (v !== undefined && /^".*"$/.test(v)) v = v.slice(1, -1);
  return [[m[1], v]];
}
