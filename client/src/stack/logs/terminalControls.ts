/**
 * Terminal control sequences out of text that a container, compose or a server wrote. A log terminal renders
 * what it is given: an OSC 8 hyperlink makes a link, OSC 0/2 retitles the terminal, cursor movement and clear
 * screen rewrite what was shown, DCS/APC/PM/SOS strings carry payloads for the terminal itself. Only SGR (colour
 * and style: `CSI params m`) may reach a terminal, and masking must see the text as it will read, so a token
 * split by colour codes is one token again.
 *
 * One pass, each character looked at once (linear in the length; an unterminated string sequence ends at the
 * line end). Sequences as ECMA-48 and xterm define them, in their 7-bit (ESC ...) and 8-bit (C1) forms:
 * - CSI: ESC [ or 0x9B, parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E;
 * - OSC (ESC ] / 0x9D), DCS (ESC P / 0x90), SOS (ESC X / 0x98), PM (ESC ^ / 0x9E), APC (ESC _ / 0x9F): a string
 *   up to ST (ESC \ or 0x9C), or BEL for OSC;
 * - other escapes: ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E (ESC 7, ESC ( B, ESC c...).
 * Other C0 controls, DEL and C1 controls go too; tab, line feed and carriage return stay.
 */

const ESC = 0x1b;
const BEL = 0x07;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;

/** The introducer (after ESC, or as a C1 code) of a control string that runs to ST. */
function isStringIntroducer(escapeChar: number): boolean {
  return escapeChar === 0x5d /* ] OSC */ || escapeChar === 0x50 /* P DCS */ || escapeChar === 0x58 /* X SOS */ || escapeChar === 0x5e /* ^ PM */ || escapeChar === 0x5f; /* _ APC */
}

/** C1 string introducers: 0x9D OSC, 0x90 DCS, 0x98 SOS, 0x9E PM, 0x9F APC. */
function isC1StringIntroducer(c: number): boolean {
  return c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f;
}

/** A character that is not text for a terminal: C0 other than tab/LF/CR, DEL, C1. Found by a regular
 * expression: several times faster than a charCodeAt loop on long lines. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

function isControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f);
}

export interface StripOptions {
  /** Keep SGR sequences (`ESC [ 31 m`): colour for a terminal. Default: remove them too. */
  keepSgr?: boolean;
}

/** The text without terminal control sequences and control characters (see the module comment). */
export function stripControls(text: string, options: StripOptions = {}): string {
  CONTROL.lastIndex = 0;
  // Most lines have no control character at all and come back as the same string.
  if (!CONTROL.test(text)) return text;
  const keepSgr = options.keepSgr === true;
  let out = '';
  let kept = 0; // text[kept, i) is plain text not yet copied to out
  for (let i = CONTROL.lastIndex - 1; i !== -1; i = nextControl(text, i)) {
    out += text.slice(kept, i);
    const c = text.charCodeAt(i);
    const escapeChar = c === ESC ? text.charCodeAt(i + 1) : NaN;
    if (c === C1_CSI || escapeChar === 0x5b /* [ */) {
      const start = i;
      i = csiEnd(text, c === C1_CSI ? i + 1 : i + 2);
      if (keepSgr && isSgr(text, start, i)) out += text.slice(start, i);
    } else if (isC1StringIntroducer(c) || (c === ESC && isStringIntroducer(escapeChar))) {
      i = stringEnd(text, c === ESC ? i + 2 : i + 1);
    } else if (c === ESC) {
      i = escapeEnd(text, i + 1);
    } else {
      i++;
    }
    kept = i;
  }
  return out + text.slice(kept);
}

/** The next control character at or after `from`, or -1. */
function nextControl(text: string, from: number): number {
  if (from < text.length && isControl(text.charCodeAt(from))) return from; // sequences often come back to back
  CONTROL.lastIndex = from;
  return CONTROL.test(text) ? CONTROL.lastIndex - 1 : -1;
}

/** The end of a CSI sequence whose parameters start at `from` (an invalid byte ends it there, unconsumed). */
function csiEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x3f) i++;
    else break;
  }
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x2f) i++;
    else break;
  }
  const final = text.charCodeAt(i);
  return final >= 0x40 && final <= 0x7e ? i + 1 : i;
}

/** SGR in its 7-bit form: `ESC [`, digits, `;` and `:` only, then `m` (the 8-bit 0x9B form goes: rare, and not
 * every terminal reads it the same). */
function isSgr(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== ESC || text.charCodeAt(end - 1) !== 0x6d /* m */) return false;
  for (let j = start + 2; j < end - 1; j++) {
    const c = text.charCodeAt(j);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x3b || c === 0x3a)) return false;
  }
  return true;
}

/** The end of a control string starting at `from`: after ST (ESC \ or 0x9C) or BEL; unterminated, the line end. */
function stringEnd(text: string, from: number): number {
  let i = from;
  // Short strings (a title, a link's parameters) by hand; a long one by the regular expression.
  while (i < text.length && i < from + 32 && !isStringStop(text.charCodeAt(i))) i++;
  if (i === from + 32) {
    STRING_STOP.lastIndex = i;
    i = STRING_STOP.test(text) ? STRING_STOP.lastIndex - 1 : text.length;
  }
  if (i >= text.length) return text.length;
  const c = text.charCodeAt(i);
  if (c === BEL || c === C1_ST) return i + 1;
  if (c === ESC) return text.charCodeAt(i + 1) === 0x5c /* \ */ ? i + 2 : i;
  return i; // a line end: the string was never terminated
}

function isStringStop(c: number): boolean {
  return c === BEL || c === C1_ST || c === ESC || c === 0x0a || c === 0x0d;
}

/** What ends a control string: BEL, ST (0x9C, or ESC \\), or the line end. */
const STRING_STOP = /[\x07\x9c\x1b\n\r]/g;

/** The end of a two-or-more-byte escape (ESC, intermediates, final) whose first byte after ESC is at `from`. */
function escapeEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x2f) i++;
    else break;
  }
  const final = text.charCodeAt(i);
  return final >= 0x30 && final <= 0x7e ? i + 1 : i;
}
