/**
 * "Try the Model"'s answer as it streams in (OpenAI chat completion chunks, `data:` payloads of server/src/load/sse.ts),
 * turned into the text to append to an output channel, and the line that ends it.
 *
 * The model's text is untrusted and is shown as plain text, masked (logs/mask.ts) and without terminal control
 * sequences. Masking reads whole lines (a whole-line `PASSWORD=a b`, `--api-key k`), and an output channel only
 * appends, so text goes out a word at a time: the current line is shown up to its last whitespace, masked, and a
 * word is shown only once it is complete (a token cut in half by a chunk boundary is never half shown in clear).
 * When the masked line is no longer an extension of what was shown (rare: masking that reaches back), the line is
 * written again whole, masked, on a line of its own.
 */
import { PEM_END, PRIVATE_KEY_BEGIN } from '../../../../server/src/core/secretFormats';
import type { RequestOutput } from '../../../../server/src/load/request';
import { LineMasker, maskSecrets } from '../logs/mask';

/** A line without whitespace this long is shown anyway, cut there (a long run of characters is no word). */
const MAX_PENDING = 4096;
const KEY_BEGIN = new RegExp(PRIVATE_KEY_BEGIN.source);

export class StreamedAnswer {
  private line = '';
  /** What was appended of the current line (masked). */
  private shown = '';
  private readonly masker = new LineMasker();
  /** Inside a PEM private key: partial lines are not shown (LineMasker masks its body a whole line at a time). */
  private inKey = false;
  private part: 'none' | 'reasoning' | 'content' = 'none';
  private readonly knownSecrets: readonly (string | undefined)[];
  finishReason: string | undefined;
  /** Chunks that carried text (content or reasoning). */
  textChunks = 0;
  /** Characters of text received. */
  characters = 0;

  constructor(known: readonly (string | undefined)[] = []) {
    this.knownSecrets = known.filter((k) => !!k);
  }

  /** One `data:` payload of the stream; returns the text to append ('' for none). `[DONE]` and garbage: ''. */
  push(data: string): string {
    if (data === '[DONE]') return '';
    let message: { choices?: { delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: unknown }[] };
    try {
      message = JSON.parse(data);
    } catch {
      return '';
    }
    const choice = Array.isArray(message?.choices) ? message.choices[0] : undefined;
    if (!choice || typeof choice !== 'object') return '';
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    const delta = choice.delta ?? {};
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
    const content = typeof delta.content === 'string' ? delta.content : '';
    let out = '';
    if (reasoning) {
      if (this.part !== 'reasoning') out += this.heading('(thinking)');
      this.part = 'reasoning';
      out += this.feed(reasoning);
    }
    if (content) {
      if (this.part === 'reasoning') out += this.heading('(answer)');
      this.part = 'content';
      out += this.feed(content);
    }
    if (reasoning || content) this.textChunks++;
    return out;
  }

  /** The rest of the current line, at the end of the stream. */
  end(): string {
    if (!this.line) return '';
    const rest = this.completeLine(this.line.replace(/\r$/, ''));
    this.line = '';
    return rest;
  }

  /** Whether any text came. */
  get answered(): boolean {
    return this.characters > 0;
  }

  private heading(title: string): string {
    // A blank line before a heading that follows text.
    return `${this.end()}${this.part === 'none' ? '' : '\n'}${title}\n`;
  }

  private feed(text: string): string {
    this.characters += text.length;
    // Line ends as \n (a \r alone redraws a terminal line: here it ends one); a \r at the end may be half a \r\n.
    this.line += text;
    let out = '';
    for (;;) {
      const m = /\r\n|\n|\r(?=[^])/.exec(this.line);
      if (!m) break;
      out += this.completeLine(this.line.slice(0, m.index));
      this.line = this.line.slice(m.index + m[0].length);
    }
    if (this.line.length > MAX_PENDING) {
      out += this.completeLine(this.line);
      this.line = '';
    }
    return out + this.partial();
  }

  /** A whole line: its masked text, less what was shown of it, and the line end. */
  private completeLine(raw: string): string {
    const masked = this.masker.mask(maskSecrets(raw, { known: this.knownSecrets }));
    if (this.inKey) this.inKey = !raw.includes(PEM_END);
    else {
      const begin = raw.search(KEY_BEGIN);
      this.inKey = begin !== -1 && raw.indexOf(PEM_END, begin) === -1;
    }
    const out = masked.startsWith(this.shown) ? masked.slice(this.shown.length) : `${this.shown ? '\n' : ''}${masked}`;
    this.shown = '';
    return `${out}\n`;
  }

  /** What more of the current line may be shown: up to its last whitespace, masked, without trailing whitespace. */
  private partial(): string {
    if (this.inKey || this.line.includes('PRIVATE KEY-----')) return '';
    const cut = Math.max(this.line.lastIndexOf(' '), this.line.lastIndexOf('\t'));
    if (cut <= 0) return '';
    const masked = maskSecrets(this.line.slice(0, cut), { known: this.knownSecrets }).trimEnd();
    if (masked.length <= this.shown.length || !masked.startsWith(this.shown)) return '';
    const more = masked.slice(this.shown.length);
    this.shown = masked;
    return more;
  }
}

/** `123 ms`, `1.23 s`. */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * The line after the answer: time to first token, then the tokens and the time of the whole answer, as the load test
 * counts them (server/src/load/request.ts: TTFT to the first chunk, the latency to the last, tokens from `usage`).
 */
export function answerSummary(result: RequestOutput, finishReason?: string): string {
  const parts = [`time to first token ${duration(result.ttft)}`];
  const seconds = result.latency / 1000;
  const rate = seconds > 0 && result.outputTokens > 0 ? `, ${(result.outputTokens / seconds).toFixed(1)} tokens/s` : '';
  parts.push(`${result.outputTokens} token${result.outputTokens === 1 ? '' : 's'} in ${duration(result.latency)}${rate}`);
  if (finishReason) parts.push(`finish reason ${finishReason}${finishReason === 'length' ? ' (cut at the token limit)' : ''}`);
  return parts.join(' · ');
}
