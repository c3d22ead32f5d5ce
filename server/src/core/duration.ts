/**
 * Durations, in seconds. Two grammars share one piece scanner (`{number}{unit}` pieces concatenated, a
 * bare `0` allowed, a bare number rejected):
 * - Dockerfile HEALTHCHECK flags: Go's time.ParseDuration, units ns, us/µs/μs, ms, s, m, h
 *   (dockerfile-healthcheck.json `duration_parsing`);
 * - Compose: xhit/go-str2duration, Go's units plus `d` and `w` and an optional sign
 *   (compose.json `duration_syntax`).
 */
const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const COMPOSE_UNITS: Readonly<Record<string, number>> = { ...GO_UNITS, d: 86400, w: 604800 };

const PIECE = /(\d+(?:\.\d*)?|\.\d+)([a-zµμ]+)/y;

/** Sum of the pieces of an unsigned duration; undefined when a piece or its unit is not in `units`. */
function scanPieces(s: string, units: Readonly<Record<string, number>>): number | undefined {
  if (s === '0') return 0;
  if (!s) return undefined;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    PIECE.lastIndex = i;
    const m = PIECE.exec(s);
    const unit = m ? units[m[2]!] : undefined;
    if (!m || unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    i = PIECE.lastIndex;
  }
  return total;
}

/**
 * A Dockerfile HEALTHCHECK duration. No sign: BuildKit rejects negative durations, so a signed value never
 * reaches a container.
 */
export function parseGoDuration(text: string): number | undefined {
  return scanPieces(text.trim(), GO_UNITS);
}

/** A Compose duration (healthcheck timings, stop_grace_period...); undefined when Compose rejects it. */
export function parseComposeDuration(text: string): number | undefined {
  const s = text.trim();
  const sign = s.startsWith('-') ? -1 : 1;
  const value = scanPieces(/^[-+]/.test(s) ? s.slice(1) : s, COMPOSE_UNITS);
  // `|| 0`: `-0s` is plain zero.
  return value === undefined ? undefined : sign * value || 0;
}

/** A short Compose duration for a number of seconds, e.g. 150 -> "2m30s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
