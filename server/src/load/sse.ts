/**
 * Server-sent events of an OpenAI streaming response, split into `data:` messages as vLLM's benchmark client does
 * (vllm/benchmarks/lib/endpoint_request_func.py StreamedResponseHandler at 02cfb534: messages end at a blank
 * line; a comment line starting with ":" is a ping, skipped).
 */
export class SseSplitter {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  /** The complete messages' payloads (the text after `data: `), in order. */
  push(chunk: Uint8Array): string[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) !== -1) {
      const message = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      for (const line of message.split(/\r?\n/)) if (line.startsWith('data:')) out.push(line.slice(5).trimStart());
    }
    return out;
  }
}
