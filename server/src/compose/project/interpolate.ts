/**
 * compose-go's interpolation.Interpolate with the loader's type casts (loader/interpolate.go): every string of a
 * file is substituted from the project's environment (the shell, then the `.env` files); at the paths below the
 * result becomes a number or a boolean. The substitution itself is compose/template.ts (compose-go's
 * template.Substitute); an unset variable with no default becomes empty, as Compose does (with a warning).
 */
import { interpolationErrorMessage, substitute as substituteTemplate, templateTokens } from '../template';
import { ComposeError, pathText, ProjectNode, Scalar, stepTrie, trieOf, TrieStates, trieValue } from './tree';

export type Cast = (value: string) => Scalar | Error;

const toInt: Cast = (v) => (/^[+-]?\d+$/.test(v) && Math.abs(Number(v)) < 2 ** 63 ? Number(v) : new Error(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`));
const toInt64: Cast = (v) => (/^[+-]?\d+$/.test(v) ? Number(v) : new Error(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`));
const toFloat: Cast = (v) => {
  const n = Number(v.replace(/_/g, ''));
  return v.trim() !== '' && v.trim() === v && !Number.isNaN(n) ? n : new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
};
const toBoolean: Cast = (v) => {
  const l = v.toLowerCase();
  if (['true', 'y', 'yes', 'on'].includes(l)) return true;
  if (['false', 'n', 'no', 'off'].includes(l)) return false;
  return new Error(`invalid boolean: ${v}`);
};

const service = (p: string) => `services.*.${p}`;
/** The paths whose strings compose-go casts after interpolating them (loader/interpolate.go interpolateTypeCastMapping). */
export const CASTS = trieOf<Cast>({
  [service('cpu_count')]: toInt64,
  [service('cpu_percent')]: toFloat,
  [service('cpu_period')]: toInt64,
  [service('cpu_quota')]: toInt64,
  [service('cpu_rt_period')]: toInt64,
  [service('cpu_rt_runtime')]: toInt64,
  [service('cpus')]: toFloat,
  [service('cpu_shares')]: toInt64,
  [service('init')]: toBoolean,
  [service('depends_on.*.required')]: toBoolean,
  [service('depends_on.*.restart')]: toBoolean,
  [service('deploy.replicas')]: toInt,
  [service('deploy.update_config.parallelism')]: toInt,
  [service('deploy.update_config.max_failure_ratio')]: toFloat,
  [service('deploy.rollback_config.parallelism')]: toInt,
  [service('deploy.rollback_config.max_failure_ratio')]: toFloat,
  [service('deploy.restart_policy.max_attempts')]: toInt,
  [service('deploy.placement.max_replicas_per_node')]: toInt,
  [service('healthcheck.retries')]: toInt,
  [service('healthcheck.disable')]: toBoolean,
  [service('oom_kill_disable')]: toBoolean,
  [service('oom_score_adj')]: toInt64,
  [service('pids_limit')]: toInt64,
  [service('ports.[].target')]: toInt,
  [service('privileged')]: toBoolean,
  [service('read_only')]: toBoolean,
  [service('scale')]: toInt,
  [service('stdin_open')]: toBoolean,
  [service('tty')]: toBoolean,
  [service('ulimits.*')]: toInt,
  [service('ulimits.*.hard')]: toInt,
  [service('ulimits.*.soft')]: toInt,
  [service('volumes.[].read_only')]: toBoolean,
  [service('volumes.[].volume.nocopy')]: toBoolean,
  'networks.*.external': toBoolean,
  'networks.*.internal': toBoolean,
  'networks.*.attachable': toBoolean,
  'networks.*.enable_ipv4': toBoolean,
  'networks.*.enable_ipv6': toBoolean,
  'volumes.*.external': toBoolean,
  'secrets.*.external': toBoolean,
  'configs.*.external': toBoolean,
});

/** One string substituted from `env` as Compose does it; throws ComposeError with compose-go's message for `path`. */
export function substitute(value: string, env: ReadonlyMap<string, string>, path: readonly string[] = [], warn?: (message: string) => void): string {
  if (!value.includes('$')) return value;
  const result = substituteTemplate(value, (name) => env.get(name));
  const error = result.errors[0];
  if (error) throw new ComposeError(interpolationErrorMessage(pathText(path), error));
  if (result.unset && warn) for (const name of unsetNames(value, env)) warn(`The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`);
  return result.value;
}

/** The plain references (`$VAR`, `${VAR}`, not those with a default) to variables `env` does not set. */
function unsetNames(value: string, env: ReadonlyMap<string, string>): string[] {
  return templateTokens(value).flatMap((t) => (t.kind === 'plain' && !env.has(t.name) ? [t.name] : []));
}

/** Substitutes every string of `node` in place; throws ComposeError with compose-go's message. */
export function interpolateTree(node: ProjectNode, env: ReadonlyMap<string, string>, warn?: (message: string) => void): void {
  walk(node, env, warn, [], CASTS);
}

/** `path` is one array pushed and popped along the walk: only an error message reads it. */
function walk(node: ProjectNode, env: ReadonlyMap<string, string>, warn: ((message: string) => void) | undefined, path: string[], casts: TrieStates<Cast>): void {
  if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      path.push(key);
      walk(entry.value, env, warn, path, stepTrie(casts, key));
      path.pop();
    }
    return;
  }
  if (node.kind === 'seq') {
    const next = stepTrie(casts, '[]');
    path.push('[]');
    for (const item of node.items) walk(item, env, warn, path, next);
    path.pop();
    return;
  }
  if (typeof node.value !== 'string') return;
  const raw = node.value;
  let value: string;
  try {
    value = substitute(raw, env, path, warn);
  } catch (err) {
    throw err instanceof ComposeError ? new ComposeError(err.message, node.origin) : err;
  }
  const cast = trieValue(casts);
  const result = cast ? cast(value) : value;
  if (result instanceof Error) throw new ComposeError(`error while interpolating ${pathText(path)}: failed to cast to expected type: ${result.message}`, node.origin);
  if (result !== raw) {
    node.raw = raw;
    node.value = result;
  }
}
