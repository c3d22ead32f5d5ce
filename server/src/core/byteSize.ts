/**
 * Compose byte values and CPU counts.
 *
 * Byte values: `{amount}{unit}` with b, k/kb, m/mb, g/gb (compose.json `byte_value_syntax`). compose-go
 * parses them with docker/go-units `RAMInBytes`, which also takes t/p, an optional `i` (`gib`), decimals,
 * one space before the unit and any case; every unit is a power of 1024. A bare number is bytes.
 */

const BYTE_VALUE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;
const MULTIPLIER: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Bytes, or undefined when the value is not a byte value (or still holds `${VAR}`). */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = BYTE_VALUE.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * MULTIPLIER[(m[2] ?? '').toLowerCase()]!;
}

/** A `cpus` value (number or string, in cores), or undefined when it is not a number. */
export function parseCpus(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (!/^\d+(?:\.\d+)?$|^\.\d+$/.test(text)) return undefined;
  return Number(text);
}

/** A short human form for messages: 34359738368 → "32 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = Math.round(value * 100) / 100;
  return `${rounded} ${units[unit]}`;
}

/** A `cpus` value as Compose writes it: at most three decimals (2.5, not 2.5000000001). */
export function formatCpuValue(cpus: number): string {
  return String(Math.round(cpus * 1000) / 1000);
}

/** A CPU count for messages: "1 CPU", "2.5 CPUs". */
export function formatCpus(cpus: number): string {
  return `${formatCpuValue(cpus)} CPU${cpus === 1 ? '' : 's'}`;
}
