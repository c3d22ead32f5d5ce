/**
 * Durations, in seconds (`{number}{unit}` pieces concatenated, a bare `0` allowed, a bare number rejected):
 * - Dockerfile HEALTHCHECK flags: Go's time.ParseDuration, units ns, us/µs/μs, ms, s, m, h
 *   (dockerfile-healthcheck.json `duration_parsing`), read by the piece scanner below;
 * - Compose: parseComposeDurationNs, an exact port of what compose-go calls (Go's units plus `d` and `w`, a sign).
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

/** A Compose duration (healthcheck timings, stop_grace_period...) in seconds; undefined when Compose rejects it. */
export function parseComposeDuration(text: string): number | undefined {
  const ns = parseComposeDurationNs(text);
  return typeof ns === 'bigint' ? Number(ns) / 1e9 : undefined;
}

const MAX_INT64 = (1n << 63n) - 1n;
const NS_PER: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/**
 * A Compose duration in nanoseconds exactly as compose-go reads it: xhit/go-str2duration v2.1.0 ParseDuration
 * (a copy of Go's time.ParseDuration plus `d` and `w`), int64 arithmetic and its overflow checks included, no
 * blanks allowed. Otherwise its error message.
 */
export function parseComposeDurationNs(orig: string): bigint | string {
  const invalid = `time: invalid duration ${goDurationQuote(orig)}`;
  let s = orig;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === '.' || isDigit(s[i]))) return invalid;
    const intStart = i;
    let whole = 0n;
    for (; i < s.length && isDigit(s[i]); i++) {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > MAX_INT64) return invalid;
    }
    const pre = i > intStart;
    let fraction = 0n;
    let scale = 1;
    let post = false;
    if (s[i] === '.') {
      i++;
      const fracStart = i;
      let overflow = false;
      for (; i < s.length && isDigit(s[i]); i++) {
        if (overflow) continue;
        const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
        // Go stops adding precision where int64 would overflow.
        if (next > MAX_INT64) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      post = i > fracStart;
    }
    if (!pre && !post) return invalid;
    const unitStart = i;
    while (i < s.length && !(s[i] === '.' || isDigit(s[i]))) i++;
    if (i === unitStart) return `time: missing unit in duration ${goDurationQuote(orig)}`;
    const unitText = s.slice(unitStart, i);
    const unit = NS_PER[unitText];
    if (unit === undefined) return `time: unknown unit ${goDurationQuote(unitText)} in duration ${goDurationQuote(orig)}`;
    if (whole > MAX_INT64 / unit) return invalid;
    let value = whole * unit;
    if (fraction > 0n) {
      // float64, as Go computes it: nanosecond-accurate for fractions of hours.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > MAX_INT64) return invalid;
    }
    total += value;
    if (total > MAX_INT64) return invalid;
  }
  return negative ? -total : total;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** go-str2duration quotes the input as is, between double quotes. */
function goDurationQuote(text: string): string {
  return `"${text}"`;
}

/** A short Compose duration for a number of seconds, e.g. 150 -> "2m30s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
