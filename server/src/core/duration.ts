/**
 * Durations as Compose (go-str2duration) and Dockerfile HEALTHCHECK (Go time.ParseDuration) read them:
 * `{number}{unit}` pieces concatenated, units ns, us/µs, ms, s, m, h. A bare number is not a duration.
 * Source: compose.json `duration_syntax`, dockerfile-healthcheck.json `duration_parsing`.
 */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PIECE = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Seconds, or undefined when the text is not a valid duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (!s) return undefined;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    PIECE.lastIndex = i;
    const m = PIECE.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    i = PIECE.lastIndex;
  }
  return total;
}

/** A short Compose duration for a number of seconds, e.g. 150 -> "2m30s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
