import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { interpolate } from '../compose/interpolation';
import type { ServiceInfo } from '../compose/service';
import { serviceEngineArgs } from '../compose/serviceEngineArgs';
import { isAncestorOrSelf, normalizePath, serviceMounts, type Mount } from '../compose/volumes';
import { withoutTrailingSlashes } from '../core/trailingSlashes';
import type { Reporter } from '../core/types';
import { dockerfileEngineArgs } from '../dockerfile/dockerfileEngineArgs';
import type { Word } from '../engines/engineArgv';
import type { LaunchedEngine } from '../engines/engineLaunch';
import type { EngineParser } from '../engines/engineParsers';
import { CONFIG_REPEATED, CONFIG_WITHOUT_FILE, configFileRefusal, configKeyFlag } from '../engines/vllmConfigFile';
import type { Rule } from './rule';

/**
 * vLLM's `--config FILE` (facts/vllm-config-file.json): a path not ending in `.yaml` / `.yml` stops vLLM before
 * it reads anything, `--config` twice or with no path stops it too, and `--config=FILE` is never loaded. When the
 * file is bind-mounted from the project and readable inside the workspace (`options.buildContexts.readFile`), each
 * top-level key becomes `--key` and is judged like a command-line flag: an unknown one stops vLLM with
 * "unrecognized arguments". A file that cannot be read (not mounted, outside the workspace, relative to the
 * image's working folder) is not judged. Dockerfiles get the checks on the command line only.
 */
export const rule: Rule = {
  meta: {
    id: 'engine-config-invalid',
    defaultSeverity: 'error',
    title: 'A vLLM `--config` file vLLM refuses, or a key in it that is no vLLM flag',
    appliesTo: ['compose', 'dockerfile'],
    fixable: false,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const { launched, tag } = serviceEngineArgs(ctx.file, info);
      const value = launched && configValue(launched, ctx.report);
      const file = value && mountedFile(info, ctx.file.dotEnv, value.text);
      if (!launched || !value || !file) continue;
      const text = ctx.options.buildContexts?.readFile?.(file.read);
      if (text !== undefined) checkKeys({ parser: launched.parser, tag, value, file: file.written, report: ctx.report }, text);
    }
  },
  dockerfile(ctx) {
    for (const launched of dockerfileEngineArgs(ctx.model)?.launches ?? []) configValue(launched, ctx.report);
  },
};

/** The word after vLLM's one `--config`, when vLLM goes on to read that file; the command-line problems reported. */
function configValue(launched: LaunchedEngine, report: Reporter): Word | undefined {
  if (launched.parser.engine !== 'vllm') return undefined;
  const { args } = launched;
  for (const word of args) {
    if (!word.text.startsWith('--config=')) continue;
    report({
      span: word.span,
      severity: 'warning',
      message:
        'vLLM loads a config file only after the word `--config` on its own: argparse keeps `--config=…` as an option nothing reads, ' +
        'so none of the file\'s options apply. Write `--config` and the path as two words.',
    });
  }
  const at = args.flatMap((w, i) => (w.text === '--config' ? [i] : []));
  if (!at.length) return undefined;
  if (at.length > 1) {
    for (const i of at.slice(1)) report({ span: args[i]!.span, message: `\`--config\` appears ${at.length} times: vLLM takes one config file and exits at start-up with "${CONFIG_REPEATED}".` });
    return undefined;
  }
  const value = args[at[0]! + 1];
  if (!value) {
    report({ span: args[at[0]!]!.span, message: `\`--config\` ends the command line: vLLM exits at start-up with "${CONFIG_WITHOUT_FILE}".` });
    return undefined;
  }
  // `${VAR}` may expand to anything: not ours to judge.
  if (value.text.includes('$')) return undefined;
  const refusal = configFileRefusal(value.text);
  if (!refusal) return value;
  report({ span: value.span, message: `vLLM reads \`--config\` from a YAML file only (\`.yaml\` or \`.yml\`): it exits at start-up with "${refusal}".` });
  return undefined;
}

/**
 * The host file behind the container path `path`, through the service's deepest bind mount holding it: as the
 * Compose file writes it (for messages: `${VAR}` is not echoed) and as read (relative to the Compose file's folder).
 */
function mountedFile(info: ServiceInfo, dotEnv: ReadonlyMap<string, string>, path: string): { written: string; read: string } | undefined {
  // A relative path is relative to the image's working folder, which the Compose file does not say.
  if (!path.startsWith('/')) return undefined;
  const inContainer = normalizePath(path);
  let best: (Mount & { source: string; target: string }) | undefined;
  for (const m of serviceMounts(info.service.map, dotEnv).mounts) {
    if (m.type !== 'bind' || m.source === undefined || m.target === undefined || !isAncestorOrSelf(m.target, inContainer)) continue;
    if (!best || m.target.length > best.target.length) best = { ...m, source: m.source, target: m.target };
  }
  const source = best && interpolate(best.source, dotEnv);
  // `~` is the home folder, never inside the workspace.
  if (!best || !source || source.startsWith('~')) return undefined;
  const rest = inContainer.slice(best.target.length).replace(/^\//, '');
  const under = (folder: string) => (rest ? `${withoutTrailingSlashes(folder)}/${rest}` : folder);
  return { written: under(best.source), read: under(source) };
}

interface Site {
  parser: EngineParser;
  /** The image tag, resolved; undefined when unpinned or unknown. */
  tag: string | undefined;
  /** The `--config` value: every finding about the file is reported there. */
  value: Word;
  /** The file as the Compose file names it. */
  file: string;
  report: Reporter;
}

/** Reads the file as vLLM does (PyYAML's safe_load: YAML 1.1, a later duplicate key wins) and judges its keys. */
function checkKeys(site: Site, text: string): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  const report = (message: string, severity?: 'warning') => site.report({ span: site.value.span, message, ...(severity ? { severity } : {}) });
  const error = doc.errors[0];
  if (error) {
    report(`\`${site.file}\` is not valid YAML (line ${lines.linePos(error.pos[0]).line}: ${error.message}): vLLM cannot read it and exits at start-up.`);
    return;
  }
  if (!isMap(doc.contents)) {
    report(`\`${site.file}\` holds no \`key: value\` options: vLLM reads its top level as a mapping and exits at start-up.`);
    return;
  }
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    // Merge keys (`<<`) bring keys written elsewhere; a key that is no string makes no flag vLLM could judge.
    if (typeof key?.value !== 'string' || key.value === '<<') continue;
    const value = isScalar(pair.value) ? pair.value.value : isSeq(pair.value) ? pair.value.items : undefined;
    const flag = configKeyFlag(key.value, value);
    const problem = flag && keyProblem(site, flag);
    if (problem) report(`\`${site.file}\` line ${lines.linePos(key.range?.[0] ?? 0).line} sets \`${key.value}\`: ${problem.text}`, problem.severity);
  }
}

/** What is wrong with the flag vLLM makes of a key, judged against the release the image pins. */
function keyProblem(site: Site, flag: string): { text: string; severity?: 'warning' } | undefined {
  const { parser } = site;
  const verdict = parser.judge(flag);
  if (verdict.kind === 'known') return undefined;
  // As keys: `max-model-len`, not `--max-model-len`.
  const asKeys = (flags: readonly string[], joiner: string) => flags.map((f) => `\`${f.replace(/^--/, '')}\``).join(joiner);
  if (verdict.kind === 'removed') {
    const { removed } = verdict;
    // A pinned release that still has the flag, or a tag that names none, takes the key.
    if (parser.placeRemoved(site.tag, removed).kind !== 'gone') return undefined;
    const { replacement } = removed;
    // A replacement is flags (`--runner / --convert`) or, for a few, a sentence.
    const instead = !replacement ? '' : replacement.startsWith('--') ? ` Use ${asKeys(replacement.split(' / '), ' / ')} instead.` : ` Instead: ${replacement}.`;
    return { text: `vLLM removed \`${removed.flag}\` on ${removed.date} and exits at start-up with "${parser.refusal}".${instead}` };
  }
  if (verdict.kind === 'ambiguous') {
    return { text: `\`${flag}\` abbreviates several vLLM flags (${verdict.matches.map((s) => `\`${s}\``).join(', ')}), so vLLM exits at start-up.` };
  }
  const placement = parser.placeImage(site.tag);
  // A release the facts do not describe may have had the flag.
  if (placement.kind === 'unknown') return undefined;
  const didYouMean = verdict.suggestions.length ? ` Did you mean ${asKeys(verdict.suggestions, ' or ')}?` : '';
  if (placement.kind === 'older') {
    return {
      text: `vLLM (as of ${parser.factsLabel}) has no flag \`${flag}\`. It may still exist in vLLM ${placement.version}, the pinned image, but after an upgrade vLLM exits at start-up with "${parser.refusal}".${didYouMean}`,
      severity: 'warning',
    };
  }
  return { text: `vLLM has no flag \`${flag}\` and exits at start-up with "${parser.refusal}".${didYouMean}` };
}
