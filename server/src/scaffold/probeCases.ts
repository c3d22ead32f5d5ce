// The accuracy probe's questions and what their answers must contain: shared by the probe the extension runs
// (client/src/stack/probe/probe.ts) and the healthcheck script a generated stack carries (probeScript.ts), so both
// ask the same and judge the same. Pure data and checks.

/** What an answer must contain. A plain string is a case-sensitive substring; `{regex, flags}` is a regular
 *  expression (flags limited to i, m, s so the generated Python healthcheck reads it the same way). Strings are
 *  never parsed as /.../ literals: an expected answer that happens to start with a slash stays a substring. */
export type ProbeExpect = string | { regex: string; flags?: string };

export interface ProbeMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ProbeCase {
  /** Shown in results; defaults to "case <n>". */
  name?: string;
  messages: ProbeMessage[];
  expect: ProbeExpect;
}

/** The default probe (the "2 + 2 probe"). Accepts "4" or "four" as a whole word, so "42" or "14" fail. */
export const DEFAULT_PROBE_CASES: readonly ProbeCase[] = [
  {
    name: '2 + 2',
    messages: [{ role: 'user', content: 'What is 2 + 2? Answer with the number only.' }],
    expect: { regex: '\\b(4|four)\\b', flags: 'i' },
  },
];

const ALLOWED_FLAGS = /^[ims]*$/;

export function describeExpect(expect: ProbeExpect): string {
  return typeof expect === 'string' ? quoteText(expect) : `/${expect.regex}/${expect.flags ?? ''}`;
}

/**
 * A model's answer (or an expected string) as a person reads it in a message, a notification or the sidebar: in
 * "…", line breaks, tabs and other control characters as spaces, runs of spaces as one; nothing escaped (JSON's \n
 * and \" read as noise there). The healthcheck script's show() (probeScript.ts) writes the same.
 */
export function quoteText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()}"`;
}

/** Checks a case before sending it, so a typo in settings reads as such and not as a wrong answer. */
export function validateCase(c: ProbeCase): string | undefined {
  if (!Array.isArray(c.messages) || c.messages.length === 0) return 'a probe case needs at least one message';
  if (typeof c.expect === 'string') return c.expect === '' ? 'expect is empty: every answer would pass' : undefined;
  if (!c.expect || typeof c.expect.regex !== 'string') return 'expect must be a string or {"regex": "...", "flags": "i"}';
  const flags = c.expect.flags ?? '';
  if (!ALLOWED_FLAGS.test(flags)) return `regex flags "${flags}" not supported (use only i, m, s)`;
  try {
    new RegExp(c.expect.regex, flags);
  } catch (e) {
    return `invalid regex ${describeExpect(c.expect)}: ${(e as Error).message}`;
  }
  return undefined;
}
