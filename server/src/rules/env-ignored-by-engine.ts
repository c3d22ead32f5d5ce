import { isMap, isScalar } from 'yaml';
import { allFlags, appendFlags, FoundFlag, hasOpaqueEntrypoint, mergeEdits, replaceArgText } from '../compose/commandEdits';
import type { ComposeFile } from '../compose/composeFile';
import { removeEntry } from '../compose/edits';
import { interpolate } from '../compose/interpolation';
import { parseShortPortSpec } from '../compose/ports';
import { engineImage, EnvEntry, findFlag, ServiceInfo } from '../compose/service';
import { boundedEditDistance, closestWithin } from '../core/editDistance';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import type { SpanFix } from '../core/types';
import { readFlags } from '../core/commandWords';
import { dockerfileEngine, launchTokens, properties, shippedBaseImage } from '../dockerfile/imageEngine';
import { shippedStages } from '../dockerfile/dockerfileModel';
import { EngineSpec, releaseTag, VLLM_ENV_VAR_NAMES } from '../engines/engines';
import { judgeEnvName } from '../engines/engineEnvNames';
import { engineFacts } from '../engines/engineParsers';
import { pinnedBefore, VLLM_0_21 } from '../engines/vllmReleases';
import { VLLM_FACTS_DATE, VLLM_FLAGS, VLLM_REMOVED_ENV_VARS } from '../engines/vllmFacts.generated';
import { VLLM } from '../engines/engines';

/** vLLM's release placement of an image tag (engineParsers.ts). */
const VLLM_FACTS = engineFacts(VLLM)!;

/**
 * Env vars that look like engine settings but that the engine never reads. vLLM takes no option from the
 * environment (vllm-cli-flags.json `no_env_fallback`; vllm-env.json `claim_checks`), warns about unknown
 * VLLM_* names, and dropped some VLLM_* vars (vllm-env.json `removed_recently`). TGI, TEI, llama.cpp and
 * Ollama do read settings from env: only the look-alikes listed in engines.ts are reported for them.
 */

interface Problem {
  message: string;
  /** The flag that does what the env var was meant to do. */
  flag?: string;
  /** An env var name the engine reads instead (engines configured from env, or a near-miss spelling). */
  rename?: string;
  /** Removing the entry is the fix (a removed var with no replacement, a port clash). */
  remove?: boolean;
}

interface Setting {
  engine: EngineSpec;
  image: string | undefined;
  flags: readonly FoundFlag[];
  /** Ports the container publishes or exposes. */
  ports: ReadonlySet<string>;
  env: ReadonlyMap<string, string>;
}

export const rule: Rule = {
  meta: {
    id: 'env-ignored-by-engine',
    defaultSeverity: 'warning',
    title: 'An environment variable the engine never reads',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (!info.engine || hasOpaqueEntrypoint(info)) continue;
      const scripts = [...(info.entrypoint?.tokens ?? []), ...(info.command?.tokens ?? [])].map((t) => t.text).join(' ');
      const setting: Setting = {
        engine: info.engine,
        image: engineImage(info),
        flags: allFlags(ctx.file, info),
        ports: containerPorts(info),
        env: ctx.file.dotEnv,
      };
      for (const env of info.env) {
        if (isReferenced(env.name, scripts, true)) continue;
        const problem = classify(setting, env.name, env.value);
        // `${NAME}` in the command looks like a use of this entry, and is not: say so, or the finding reads as false.
        const interpolated = isReferenced(env.name, scripts.replace(/\$\$/g, ''), false)
          ? ` \`\${${env.name}}\` in the command is Compose's interpolation, filled from the shell or .env at \`up\`, not from \`environment:\`.`
          : '';
        if (problem) ctx.report({ span: env.nameSpan, message: problem.message + interpolated, fixes: composeFixes(ctx, info, env, problem) });
      }
    }
  },
  dockerfile(ctx) {
    dockerfileCheck(ctx);
  },
};

function dockerfileCheck(ctx: DockerfileContext): void {
  const found = dockerfileEngine(ctx.model);
  // A pip-installed engine is started some way we cannot read: its flags are not in ENTRYPOINT/CMD.
  if (!found || found.by === 'pip') return;
  const engine = found.spec;
  const stages = shippedStages(ctx.model);
  const launch = launchTokens(ctx.model, stages);
  if (opaqueLaunch(engine, launch[0]?.text)) return;
  // A RUN, CMD or later ENV that mentions $NAME reads the variable itself.
  const texts = stages.flatMap((s) => s.instructions.map((i) => i.getRawArgumentsContent() ?? '')).join('\n');
  const setting: Setting = { engine, image: shippedBaseImage(ctx.model), flags: readFlags(launch), ports: new Set(), env: new Map() };
  for (const prop of properties(ctx.model, stages)) {
    if (isReferenced(prop.name, texts, false)) continue;
    const problem = classify(setting, prop.name, prop.value);
    if (!problem) continue;
    const fixes: SpanFix[] = [];
    if (problem.rename && ctx.model.text.slice(prop.nameSpan.start, prop.nameSpan.end) === prop.name) {
      fixes.push({ title: `Rename to ${problem.rename}`, preferred: true, edits: [{ span: prop.nameSpan, newText: problem.rename }] });
    }
    ctx.report({ span: prop.nameSpan, message: problem.message, fixes });
  }
}

/** An entrypoint script we cannot see may read any env var, so nothing can be said. */
function opaqueLaunch(engine: EngineSpec, first: string | undefined): boolean {
  return !!first && /\.sh$/.test(first) && !engine.imageEntrypoint.includes(first);
}

/**
 * Whether a script reads the variable from the container's environment. In a Compose file only `$$NAME` / `$${NAME}`
 * reaches the container: `${NAME}` is Compose's own interpolation, from the shell and `.env` at `up`, never from
 * `environment:`. In a Dockerfile's shell-form command, `$NAME` is the container shell's.
 */
function isReferenced(name: string, text: string, compose: boolean): boolean {
  // Only a shell-style name can be referenced as $NAME; anything else (keys like `(`) never is.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  return new RegExp(`${compose ? '\\$\\$' : '\\$'}\\{?${name}\\b`).test(text);
}

function classify(s: Setting, name: string, value: string | undefined): Problem | undefined {
  const flag = s.engine.ignoredEnvToFlag[name];
  if (flag) return lookalike(s.engine, name, flag);
  if (s.engine.id !== 'vllm') return envNameProblem(s, name);
  if (name === 'VLLM_PORT') return vllmPort(s, value);
  if (name === 'VLLM_HOST_IP') return vllmHostIp(s, value);
  if (!name.startsWith('VLLM_') || VLLM_ENV_VAR_NAMES.has(name)) return undefined;
  // Older releases may still read names that main has dropped: judge only current images.
  if (pinnedBefore(s.image, VLLM_0_21)) return undefined;
  const tag = releaseTag(s.image);
  const removed = VLLM_REMOVED_ENV_VARS.find((r) => r.name === name);
  if (removed) {
    // A tag that names no release (`gptoss`, a one-off build) may predate the removal.
    if (VLLM_FACTS.placeRemoved(tag, { date: removed.removed, sinceVersion: undefined }).kind !== 'gone') return undefined;
    const replacement = removed.replacement?.startsWith('--') ? removed.replacement : undefined;
    return {
      message:
        `vLLM no longer reads ${name}: it was removed on ${removed.removed} and now only triggers the warning ` +
        `"Unknown vLLM environment variable detected". ` +
        (replacement ? `Use the ${replacement} flag instead.` : removed.replacement ? `Use ${removed.replacement} instead.` : 'Remove it.'),
      ...(replacement ? { flag: replacement } : { remove: !removed.replacement }),
    };
  }
  const lookalikeFlag = nearLookalike(s.engine, name);
  if (lookalikeFlag) return lookalike(s.engine, name, lookalikeFlag);
  const near = nearestVllmVar(name);
  // A release the tag does not name may read a name main lacks; a near-miss of a name it reads is wrong in all.
  if (!near && VLLM_FACTS.placeImage(tag).kind === 'unknown') return undefined;
  return {
    message:
      `vLLM (main as of ${VLLM_FACTS_DATE}) does not know the environment variable ${name}: it ignores it and only warns "Unknown vLLM environment variable detected". ` +
      (near ? `Did you mean ${near}?` : 'Options go on the command line (`vllm serve --help`).'),
    ...(near ? { rename: near } : {}),
  };
}

/** A name an env-configured engine removed, or a misspelling of one it reads (engineEnvNames.ts). */
function envNameProblem(s: Setting, name: string): Problem | undefined {
  const verdict = judgeEnvName(s.engine, name, releaseTag(s.image));
  if (!verdict) return undefined;
  if (verdict.kind === 'removed') {
    const pinned = verdict.imageVersion ? `the image pins ${verdict.imageVersion}` : 'the image follows new releases';
    return {
      message: `${s.engine.name} no longer reads ${name} (gone since ${verdict.since}) and ${pinned}: the setting is ignored. ` + (verdict.replacement ? `Use ${verdict.replacement} instead.` : 'Remove it.'),
      ...(verdict.replacement && /^[A-Z][A-Z0-9_]*$/.test(verdict.replacement) ? { rename: verdict.replacement } : { remove: !verdict.replacement }),
    };
  }
  return {
    message:
      `${s.engine.name} (as of ${verdict.factsLabel}) reads no variable ${name}: it ignores it without a word, and the setting keeps its default.` +
      (verdict.suggestion ? ` Did you mean ${verdict.suggestion}?` : ''),
    ...(verdict.suggestion ? { rename: verdict.suggestion } : {}),
  };
}

function lookalike(engine: EngineSpec, name: string, flag: string): Problem {
  if (engine.settingsFromEnv) {
    // TGI-style launchers read each option from the env var named after the flag.
    const envName = flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
    return {
      message: `${engine.name} does not read ${name}; its setting is ${flag} (env ${envName}). The value is ignored.`,
      flag,
      rename: envName,
    };
  }
  const unknownWarning = name.startsWith('VLLM_') && engine.id === 'vllm' ? ' (it only warns "Unknown vLLM environment variable detected")' : '';
  return {
    message: `${engine.name} never reads ${name}${unknownWarning}: it takes this option only from the command line. Use ${flag} instead.`,
    flag,
  };
}

/** VLLM_PORT is the base port of vLLM's internal distributed communication, not the HTTP port. */
function vllmPort(s: Setting, raw: string | undefined): Problem | undefined {
  const value = raw === undefined ? undefined : interpolate(raw, s.env)?.trim();
  if (!value) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { message: 'VLLM_PORT holds a URI (as Kubernetes service env vars do): vLLM refuses to start with "appears to be a URI". It is not the HTTP port; use --port.', remove: true };
  }
  const portFlag = findFlag(s.flags, ['--port']);
  const http = portFlag?.value ?? '8000';
  if (value === http) {
    return { message: `VLLM_PORT is vLLM's base port for internal distributed communication, not the HTTP port: set to the HTTP port (${http}) the two clash. Remove it, or pick a free port.`, remove: true };
  }
  if (!portFlag && s.ports.has(value)) {
    return { message: `VLLM_PORT is not the HTTP port (it is vLLM's internal communication port): vLLM still serves on 8000, so the published port ${value} reaches nothing. Use --port ${value}.`, flag: '--port' };
  }
  return undefined;
}

/** VLLM_HOST_IP is this node's IP for multi-node communication, not the address the server binds. */
function vllmHostIp(s: Setting, raw: string | undefined): Problem | undefined {
  const value = raw === undefined ? undefined : interpolate(raw, s.env)?.trim();
  if (!value || !/^(0\.0\.0\.0|::|\[::\]|127\.0\.0\.1|localhost)$/.test(value)) return undefined;
  const hasHost = !!findFlag(s.flags, ['--host']);
  return {
    message: `VLLM_HOST_IP is this node's IP for vLLM's distributed communication, not the HTTP bind address; ${value} there can break multi-GPU start-up. ${hasHost ? 'Remove it' : 'Use --host'} instead.`,
    ...(hasHost ? { remove: true } : { flag: '--host' }),
  };
}

/** VLLM_GPU_MEMORY_UTILISATION and other spellings of a look-alike: the same advice applies. */
function nearLookalike(engine: EngineSpec, name: string): string | undefined {
  const key = Object.keys(engine.ignoredEnvToFlag).find((k) => k.length > 8 && boundedEditDistance(name, k, 2) <= 2);
  return key ? engine.ignoredEnvToFlag[key] : undefined;
}

function nearestVllmVar(name: string): string | undefined {
  return closestWithin(name, VLLM_ENV_VAR_NAMES, 2);
}

/** The container ports a service publishes or exposes, as text (VLLM_PORT is compared as written). */
function containerPorts(info: ServiceInfo): Set<string> {
  const out = new Set<string>();
  for (const key of ['ports', 'expose']) {
    for (const item of info.service.map.seq(key)?.items() ?? []) {
      const node = item.node;
      if (isScalar(node)) {
        for (const port of parseShortPortSpec(String(node.value))?.containerPorts ?? []) out.add(String(port));
      } else if (isMap(node)) {
        const target = item.asMap()?.text('target');
        if (target) out.add(target);
      }
    }
  }
  return out;
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** The words that carry the env var's value over to its flag; undefined when that cannot be done. */
function flagArgs(engine: EngineSpec, flag: string, env: EnvEntry): string[] | undefined {
  const known = engine.id === 'vllm' ? VLLM_FLAGS.find((f) => f.flag === flag) : undefined;
  const value = env.value;
  // Only vLLM's flag facts say which flags are switches. The other engines' look-alike tables name only flags that
  // take a value (`--tp-size 1`), so a value is never read as a switch there: "1" is a size, not "true".
  const boolean = known ? !known.takesValue : false;
  if (boolean) {
    if (value === undefined) return undefined;
    if (TRUE.test(value)) return [flag];
    if (FALSE.test(value)) return known?.negatable ? [flag.replace(/^--/, '--no-')] : [];
    return undefined;
  }
  // `- NAME` takes its value from the shell at `up`: so does `${NAME}` on the command line.
  return [flag, value ?? `\${${env.name}}`];
}

function composeFixes(ctx: ComposeContext, info: ServiceInfo, env: EnvEntry, problem: Problem): SpanFix[] {
  if (!env.item || !info.environment) return [];
  const file = ctx.file;
  const fixes: SpanFix[] = [];
  const removal = removeEntry(file, info.environment, env.item);
  const renameTo = problem.rename;
  if (renameTo && info.env.some((e) => e.name === renameTo)) {
    // The right name is already set: the look-alike only adds confusion.
    if (removal) fixes.push({ title: `Remove ${env.name} (${renameTo} is set)`, edits: [removal] });
  } else if (renameTo && info.engine?.settingsFromEnv !== false) addRename(file, env, renameTo, fixes);
  if (problem.flag && removal) {
    const move = moveToFlag(file, info, env, problem.flag);
    if (move) fixes.push({ title: move.title, edits: mergeEdits([...(move.edit ? [move.edit] : []), removal]) });
  }
  if (renameTo && !fixes.length && info.engine?.settingsFromEnv === false) addRename(file, env, renameTo, fixes);
  if (problem.remove && removal) fixes.push({ title: `Remove ${env.name}`, edits: [removal] });
  if (fixes[0]) fixes[0].preferred = true;
  return fixes;
}

function addRename(file: ComposeFile, env: EnvEntry, to: string, fixes: SpanFix[]): void {
  const edit = replaceArgText(file, env.nameSpan, env.name, to);
  if (edit) fixes.push({ title: `Rename ${env.name} to ${to}`, edits: [edit] });
}

function moveToFlag(file: ComposeFile, info: ServiceInfo, env: EnvEntry, flag: string): { title: string; edit?: ReturnType<typeof appendFlags> } | undefined {
  const engine = info.engine!;
  const already = !!findFlag(allFlags(file, info), [flag]) || (flag === '--model' && hasPositionalModel(info));
  if (already) return { title: `Remove ${env.name} (the command already sets ${flag})` };
  const args = flagArgs(engine, flag, env);
  if (!args) return undefined;
  if (args.length === 0) return { title: `Remove ${env.name} (false is the default of ${flag})` };
  const edit = appendFlags(file, info, args);
  return edit ? { title: `Move ${env.name} to ${args[0]} on the command line`, edit } : undefined;
}

/** `vllm serve <model>`: with the image's entrypoint, the command's first word is the model. */
function hasPositionalModel(info: ServiceInfo): boolean {
  const first = info.command?.tokens[0]?.text;
  return !!first && !first.startsWith('-');
}
