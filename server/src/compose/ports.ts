/**
 * Compose `ports:` (and `expose:`) entries, read once for everyone: the stack plan (what pre-flight checks is free)
 * and the rules (which container ports a service publishes). Short syntax
 * `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` (compose.json `ports`), with ranges on either side and
 * `[::1]:8000:8000` for IPv6.
 */
import type { PlannedPort } from './stackPlanTypes';

export type PortProtocol = PlannedPort['protocol'];

/** One short-syntax entry, taken apart. */
export interface ShortPortSpec {
  /** "" when not given (all interfaces). */
  hostIp: string;
  /** The host port (range) as written; undefined when none is given (an ephemeral one is picked at `up`). */
  hostPort: string | undefined;
  containerPorts: number[];
  /** As written, lower case; `tcp` when not given. */
  protocol: string;
}

/** `tcp` or `udp` (the default `tcp` when absent); undefined for anything else. */
export function protocolOf(p: string | undefined): PortProtocol | undefined {
  const v = (p ?? 'tcp').toLowerCase();
  return v === 'tcp' || v === 'udp' ? v : undefined;
}

/** "8000" or "8000-8003" -> [8000] or [8000..8003]; undefined when not a port (range). */
export function portRange(text: string): number[] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (to < from || to - from > 1000 || from < 0 || to > 65535) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A short-syntax entry taken apart; undefined when its container port is not a port (range) or it has too many colons. */
export function parseShortPortSpec(spec: string): ShortPortSpec | undefined {
  let text = spec.trim();
  const slash = text.lastIndexOf('/');
  const protocol = slash >= 0 ? text.slice(slash + 1).toLowerCase() : 'tcp';
  if (slash >= 0) text = text.slice(0, slash);
  let hostIp = '';
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(text);
  if (v6) {
    hostIp = v6[1]!;
    text = v6[2]!;
  }
  const parts = text.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift()!;
  if (parts.length > 2) return undefined;
  const containerPorts = portRange(parts[parts.length - 1]!);
  if (!containerPorts) return undefined;
  const hostPort = parts.length === 2 && parts[0] !== '' ? parts[0] : undefined;
  return { hostIp, hostPort, containerPorts, protocol };
}

/**
 * The host ports a short-syntax entry publishes. A lone container port (or `ip::container`) publishes on an
 * ephemeral host port: nothing to check before `up`, so it yields no entry.
 */
export function parseShortPort(spec: string): PlannedPort[] {
  const parsed = parseShortPortSpec(spec);
  const protocol = protocolOf(parsed?.protocol);
  const hosts = parsed?.hostPort === undefined ? undefined : portRange(parsed.hostPort);
  if (!parsed || !protocol || !hosts) return [];
  const { hostIp, containerPorts: containers } = parsed;
  // "8000-8001:8000-8001" maps one to one; "8000-8001:80" lets the engine pick one host port of the range.
  if (containers.length === hosts.length) return hosts.map((h, i) => ({ hostIp, hostPort: h, containerPort: containers[i]!, protocol }));
  if (containers.length === 1) return hosts.map((h) => ({ hostIp, hostPort: h, containerPort: containers[0]!, protocol }));
  return [];
}
