/**
 * The project as `docker compose config --format json` prints it (compose-go's types.Project marshalled): the
 * typed fields in their printed form (commands as word lists, `environment` and `labels` as maps, durations as Go
 * prints them, byte sizes as strings of bytes, `count: all` as -1, ports with a string `published`), empty fields
 * left out, services sorted by name. What is not converted here is printed as the model holds it.
 */
import { splitWords } from '../../core/commandWords';
import { parseByteSize } from '../../core/byteSize';
import { parseComposeDurationNs } from '../../core/duration';
import type { LoadedProject } from './project';
import { ComposeError, get, MapNode, ProjectNode, stringOf, toPlain } from './tree';

type Json = unknown;

const DURATIONS = ['interval', 'timeout', 'start_period', 'start_interval'];
const SERVICE_BYTES = ['shm_size', 'mem_limit', 'mem_reservation', 'memswap_limit'];

const TOP_LEVEL = ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'];

/** The project in compose-go's Project field order (name, services, networks, …), then the `x-` keys. */
export function composeConfig(project: LoadedProject): Record<string, Json> {
  const out: Record<string, Json> = { name: project.name, services: {} };
  const keys = [...project.model.entries.keys()].sort((a, b) => rank(a) - rank(b));
  for (const key of keys) {
    const value = project.model.entries.get(key)!.value;
    if (key === 'name') continue;
    if (key === 'services') out.services = services(value);
    else if (TOP_LEVEL.includes(key)) {
      const plain = toPlain(value) as Record<string, Json> | null;
      if (plain && Object.keys(plain).length) out[key] = plain;
    } else out[key] = toPlain(value);
  }
  return out;
}

function rank(key: string): number {
  const i = TOP_LEVEL.indexOf(key);
  return i < 0 ? TOP_LEVEL.length : i;
}

function services(node: ProjectNode): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (node.kind !== 'map') return out;
  for (const name of [...node.entries.keys()].sort()) {
    const service = node.entries.get(name)!.value;
    out[name] = service.kind === 'map' ? serviceConfig(service, name) : null;
  }
  return out;
}

/** compose-go's ServiceConfig fields, in the order `docker compose config` prints them; `x-` keys come last. */
const SERVICE_FIELDS = (
  'profiles annotations attach build develop blkio_config cap_add cap_drop cgroup_parent cgroup cpu_count cpu_percent cpu_period ' +
  'cpu_quota cpu_rt_period cpu_rt_runtime cpus cpuset cpu_shares command configs container_name credential_spec depends_on deploy ' +
  'device_cgroup_rules devices dns dns_opt dns_search dockerfile domainname entrypoint provider environment env_file expose extends ' +
  'external_links extra_hosts group_add gpus hostname healthcheck image init ipc isolation labels label_file links logging log_driver ' +
  'log_opt mem_limit mem_reservation memswap_limit mem_swappiness mac_address models net network_mode networks oom_kill_disable ' +
  'oom_score_adj pid pids_limit platform ports privileged pull_policy read_only restart runtime scale secrets security_opt shm_size ' +
  'stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts volume_driver ' +
  'volumes volumes_from working_dir pre_start post_start pre_stop'
).split(' ');
const FIELD_RANK = new Map(SERVICE_FIELDS.map((f, i) => [f, i]));

function fieldOrder(a: string, b: string): number {
  return (FIELD_RANK.get(a) ?? SERVICE_FIELDS.length) - (FIELD_RANK.get(b) ?? SERVICE_FIELDS.length);
}

function serviceConfig(service: MapNode, name: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, entry] of [...service.entries].sort(([a], [b]) => fieldOrder(a, b))) {
    const value = serviceField(key, entry.value, `services.${name}.${key}`);
    if (value === undefined || value === null || (Array.isArray(value) && !value.length) || (isRecord(value) && !Object.keys(value).length && key !== 'networks')) continue;
    out[key] = value;
  }
  return out;
}

function serviceField(key: string, node: ProjectNode, path: string): Json {
  switch (key) {
    case 'command':
    case 'entrypoint':
      return shellCommand(node);
    case 'environment':
    case 'labels':
    case 'annotations':
    case 'sysctls':
      return mapping(node);
    case 'healthcheck':
      return healthcheck(node, path);
    case 'stop_grace_period':
      return duration(node, path);
    case 'extra_hosts':
      return hostsList(node);
    case 'deploy':
      return deploy(node, path);
    case 'build':
      return build(node);
    case 'gpus':
      return node.kind === 'seq' ? node.items.map(deviceRequest) : toPlain(node);
    default:
      if (SERVICE_BYTES.includes(key)) return unitBytes(node, path);
      return toPlain(node);
  }
}

function isRecord(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** ShellCommand: a string is split into words as go-shellwords splits it. */
function shellCommand(node: ProjectNode): Json {
  const text = stringOf(node);
  if (text !== undefined) return splitWords(text).map((w) => w.text);
  return toPlain(node);
}

/** Labels, Mapping, MappingWithEquals: `KEY=VALUE` lists as maps, values as strings (null: no value). */
function mapping(node: ProjectNode): Json {
  const out: Record<string, Json> = {};
  if (node.kind === 'seq') {
    for (const item of node.items) {
      const text = stringOf(item) ?? '';
      const eq = text.indexOf('=');
      out[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? null : text.slice(eq + 1);
    }
  } else if (node.kind === 'map') {
    for (const [k, e] of node.entries) {
      const v = e.value;
      out[k] = v.kind === 'scalar' ? (v.value === null ? null : String(v.value)) : toPlain(v);
    }
  }
  return out;
}

function healthcheck(node: ProjectNode, path: string): Json {
  if (node.kind !== 'map') return toPlain(node);
  const out: Record<string, Json> = {};
  for (const [k, e] of node.entries) {
    if (k === 'test') out[k] = stringOf(e.value) !== undefined ? ['CMD-SHELL', stringOf(e.value)] : toPlain(e.value);
    else if (DURATIONS.includes(k)) out[k] = duration(e.value, `${path}.${k}`);
    else out[k] = toPlain(e.value);
  }
  return out;
}

function duration(node: ProjectNode, path: string): Json {
  if (node.kind !== 'scalar' || node.value === null) return toPlain(node);
  const ns = parseComposeDurationNs(String(node.value));
  if (typeof ns !== 'bigint') throw new ComposeError(`${path}: ${ns}`, node.origin);
  return goDuration(ns);
}

/** Go's time.Duration.String(). */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  const sign = negative ? '-' : '';
  const frac = (value: bigint, digits: number) => {
    const scale = 10n ** BigInt(digits);
    const whole = value / scale;
    let rest = (value % scale).toString().padStart(digits, '0');
    while (rest.endsWith('0')) rest = rest.slice(0, -1);
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
    return `${sign}${frac(u, 6)}ms`;
  }
  let out = `${frac(u % 60_000_000_000n, 9)}s`;
  u /= 60_000_000_000n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

/** UnitBytes: printed as a string of bytes. */
function unitBytes(node: ProjectNode, path: string): Json {
  if (node.kind !== 'scalar' || node.value === null) return toPlain(node);
  const bytes = parseByteSize(node.value as string | number);
  if (bytes === undefined) throw new ComposeError(`${path}: invalid size: '${String(node.value)}'`, node.origin);
  return String(Math.trunc(bytes));
}

/** HostsList: sorted `host=ip` entries. */
function hostsList(node: ProjectNode): Json {
  const list: string[] = [];
  if (node.kind === 'map') for (const [k, e] of node.entries) list.push(`${k}=${String(toPlain(e.value))}`);
  else if (node.kind === 'seq') {
    for (const item of node.items) {
      const text = stringOf(item) ?? '';
      const sep = text.search(/[=:]/);
      list.push(sep < 0 ? text : `${text.slice(0, sep)}=${text.slice(sep + 1)}`);
    }
  }
  return list.sort();
}

function deploy(node: ProjectNode, path: string): Json {
  const plain = toPlain(node) as Record<string, Json>;
  if (node.kind !== 'map') return plain;
  const resources = get(node, 'resources');
  if (resources?.kind === 'map') {
    const out: Record<string, Json> = {};
    for (const [kind, e] of resources.entries) {
      if (e.value.kind !== 'map') {
        out[kind] = toPlain(e.value);
        continue;
      }
      const r: Record<string, Json> = {};
      for (const [k, v] of e.value.entries) {
        if (k === 'memory') r[k] = unitBytes(v.value, `${path}.resources.${kind}.memory`);
        else if (k === 'cpus') r[k] = cpus(v.value);
        else if (k === 'devices' && v.value.kind === 'seq') r[k] = v.value.items.map(deviceRequest);
        else r[k] = toPlain(v.value);
      }
      out[kind] = r;
    }
    plain.resources = out;
  }
  return plain;
}

function cpus(node: ProjectNode): Json {
  const v = toPlain(node);
  return typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
}

/** DeviceRequest: `count: all` (any case) is -1, a numeric string a number. */
function deviceRequest(node: ProjectNode): Json {
  const plain = toPlain(node);
  if (!isRecord(plain)) return plain;
  const count = plain.count;
  if (typeof count === 'string') {
    if (count.toLowerCase() === 'all') plain.count = -1;
    else if (/^[+-]?\d+$/.test(count)) plain.count = Number(count);
    else throw new ComposeError(`invalid value ${JSON.stringify(count)}, the only value allowed is 'all' or a number`, node.origin);
  }
  return plain;
}

function build(node: ProjectNode): Json {
  const plain = toPlain(node);
  if (!isRecord(plain) || node.kind !== 'map') return plain;
  for (const key of ['args', 'labels']) {
    const v = get(node, key);
    if (v) plain[key] = mapping(v);
  }
  return plain;
}
