import { Transform, type TransformCallback } from 'node:stream';

/**
 * Demultiplexes the stream Docker returns for `GET /containers/{id}/logs` and `/attach` (what dockerode hands us).
 *
 * Without a TTY, Docker multiplexes stdout and stderr into one byte stream of frames, each with an 8-byte header:
 *   byte 0     stream type: 0 stdin (written on stdout), 1 stdout, 2 stderr, 3 "systemerr" (an error from the
 *              daemon itself, which moby's StdCopy returns as an error)
 *   bytes 1-3  zero (unused)
 *   bytes 4-7  payload length, big-endian uint32
 * (moby/moby pkg/stdcopy/stdcopy.go: StdType Stdin=0, Stdout=1, Stderr=2, Systemerr=3; stdWriterPrefixLen=8,
 * stdWriterSizeIndex=4, binary.BigEndian.) A container created with a TTY (`tty: true` in Compose) sends the raw
 * terminal stream instead, with no headers at all: everything is "stdout".
 *
 * The network splits this stream anywhere: a header can arrive in two pieces, a payload in many, and one chunk
 * can hold several frames. The demuxer keeps at most the 7 bytes of an unfinished header between chunks; payload
 * bytes are handed on as soon as they arrive, as slices of the chunk (no copy), so memory stays bounded even for
 * a frame of gigabytes. A frame may therefore be delivered as several pieces; `frameEnd` marks its last piece.
 * Concatenating the pieces of one stream gives exactly the bytes the container wrote to it.
 */

export type DockerStreamName = 'stdout' | 'stderr' | 'system';

export interface StreamPiece {
  stream: DockerStreamName;
  data: Buffer;
  /** True on the piece that completes its frame (always true in TTY mode, where there are no frames). */
  frameEnd: boolean;
}

export interface DemuxOptions {
  /** The container has a TTY (`Config.Tty` in `docker inspect`): the stream is raw, with no frame headers. */
  tty: boolean;
}

const HEADER_LENGTH = 8;
const STREAM_BY_TYPE: readonly (DockerStreamName | undefined)[] = ['stdout', 'stdout', 'stderr', 'system'];

export class DockerDemuxer {
  private raw: boolean;
  private readonly header = Buffer.alloc(HEADER_LENGTH);
  private headerFilled = 0;
  /** Payload bytes still to come for the current frame (0: the next byte starts a header). */
  private remaining = 0;
  private stream: DockerStreamName = 'stdout';
  private malformedHeader: Buffer | undefined;

  constructor(options: DemuxOptions) {
    this.raw = options.tty;
  }

  /**
   * The header of the first frame that was not a Docker frame header (unknown stream type), if any. From that
   * byte on, the demuxer passes everything through as raw stdout rather than lose text: this is what happens
   * when `tty` was set wrongly for the container.
   */
  get malformed(): Buffer | undefined {
    return this.malformedHeader;
  }

  /** True when the stream stopped in the middle of a frame (a header or payload is incomplete). */
  get midFrame(): boolean {
    return !this.raw && (this.headerFilled > 0 || this.remaining > 0);
  }

  push(chunk: Buffer): StreamPiece[] {
    const out: StreamPiece[] = [];
    if (this.raw) {
      if (chunk.length > 0) out.push({ stream: 'stdout', data: chunk, frameEnd: true });
      return out;
    }
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, end - pos);
        this.remaining -= take;
        out.push({ stream: this.stream, data: chunk.subarray(pos, pos + take), frameEnd: this.remaining === 0 });
        pos += take;
        continue;
      }
      // A header: read it in place when the chunk holds it whole (the usual case), else collect its pieces.
      let header: Buffer;
      if (this.headerFilled === 0 && end - pos >= HEADER_LENGTH) {
        header = chunk.subarray(pos, pos + HEADER_LENGTH);
        pos += HEADER_LENGTH;
      } else {
        const take = Math.min(HEADER_LENGTH - this.headerFilled, end - pos);
        chunk.copy(this.header, this.headerFilled, pos, pos + take);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < HEADER_LENGTH) break;
        this.headerFilled = 0;
        header = this.header;
      }
      const stream = STREAM_BY_TYPE[header[0]!];
      if (stream === undefined) {
        // Not a frame header: keep the text, in raw mode from here on (see `malformed`).
        this.malformedHeader = Buffer.from(header);
        this.raw = true;
        out.push({ stream: 'stdout', data: Buffer.from(header), frameEnd: true });
        if (pos < end) out.push({ stream: 'stdout', data: chunk.subarray(pos), frameEnd: true });
        return out;
      }
      this.stream = stream;
      this.remaining = header.readUInt32BE(4);
      // An empty frame carries nothing; Docker does not send them, but they are valid.
      if (this.remaining === 0) out.push({ stream, data: chunk.subarray(pos, pos), frameEnd: true });
    }
    return out;
  }
}

/**
 * The demuxer as a Transform stream: bytes in, `StreamPiece` objects out. Pipe a dockerode logs/attach stream
 * into it. Ending the input in the middle of a frame ends the output normally (a container that is killed can
 * cut its last frame); `demuxer.midFrame` tells whether it happened.
 */
export function createDemuxStream(options: DemuxOptions): Transform & { readonly demuxer: DockerDemuxer } {
  const demuxer = new DockerDemuxer(options);
  const stream = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      const pieces = demuxer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      for (const piece of pieces) this.push(piece);
      callback();
    },
  });
  return Object.assign(stream, { demuxer });
}

/** Builds one frame as Docker writes it (for tests and the stand-in server's recorded streams). */
export function encodeFrame(stream: 'stdin' | 'stdout' | 'stderr' | 'system', payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = { stdin: 0, stdout: 1, stderr: 2, system: 3 }[stream];
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}
