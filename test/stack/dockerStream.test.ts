/**
 * Docker's multiplexed logs/attach stream (8-byte frame headers, moby pkg/stdcopy) split by the network at any
 * byte: the demuxer must give back exactly what each stream carried, frame by frame.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { createDemuxStream, DockerDemuxer, encodeFrame, type StreamPiece } from '../../client/src/stack/docker/dockerStream';

type Name = 'stdout' | 'stderr' | 'system';
interface Frame { stream: Name; text: string }

/** Joins pieces into whole frames, using `frameEnd`. */
function frames(pieces: StreamPiece[]): Frame[] {
  const out: Frame[] = [];
  let parts: Buffer[] = [];
  for (const p of pieces) {
    parts.push(p.data);
    if (p.frameEnd) {
      out.push({ stream: p.stream, text: Buffer.concat(parts).toString('utf8') });
      parts = [];
    }
  }
  assert.equal(parts.length, 0, 'a frame was left unfinished');
  return out;
}

function feed(demuxer: DockerDemuxer, chunks: Buffer[]): StreamPiece[] {
  return chunks.flatMap((c) => demuxer.push(c));
}

const FRAMES: Frame[] = [
  { stream: 'stdout', text: 'INFO 05-27 03:36:48 [gpu_model_runner.py:4120] Starting to load model m...\n' },
  { stream: 'stderr', text: 'INFO:     Started server process [1]\n' },
  { stream: 'stdout', text: '' },
  // A payload holding bytes that look like a header, and multi-byte UTF-8.
  { stream: 'stdout', text: '\u0001\u0000\u0000\u0000 héllo █\n' },
  { stream: 'system', text: 'error from daemon' },
  { stream: 'stderr', text: 'x'.repeat(300) },
];
const WIRE = Buffer.concat(FRAMES.map((f) => encodeFrame(f.stream, f.text)));

describe('DockerDemuxer (multiplexed, no TTY)', () => {
  it('gives back every frame whole when the stream is split at every single byte boundary', () => {
    for (let i = 0; i <= WIRE.length; i++) {
      const d = new DockerDemuxer({ tty: false });
      const got = frames(feed(d, [WIRE.subarray(0, i), WIRE.subarray(i)]));
      assert.deepEqual(got, FRAMES, `split at ${i}`);
      assert.equal(d.midFrame, false);
    }
  });

  it('gives back every frame when split at every pair of boundaries (three chunks)', () => {
    const small = Buffer.concat(FRAMES.slice(0, 5).map((f) => encodeFrame(f.stream, f.text)));
    for (let i = 0; i <= small.length; i++) {
      for (let j = i; j <= small.length; j++) {
        const d = new DockerDemuxer({ tty: false });
        const got = frames(feed(d, [small.subarray(0, i), small.subarray(i, j), small.subarray(j)]));
        assert.deepEqual(got, FRAMES.slice(0, 5), `split at ${i}, ${j}`);
      }
    }
  });

  it('handles one byte per chunk, and all frames in one chunk', () => {
    const oneByOne = [...WIRE].map((b) => Buffer.from([b]));
    assert.deepEqual(frames(feed(new DockerDemuxer({ tty: false }), oneByOne)), FRAMES);
    assert.deepEqual(frames(new DockerDemuxer({ tty: false }).push(WIRE)), FRAMES);
  });

  it('maps stream type 0 (stdin) to stdout, as moby StdCopy does', () => {
    const pieces = new DockerDemuxer({ tty: false }).push(encodeFrame('stdin', 'echo\n'));
    assert.deepEqual(frames(pieces), [{ stream: 'stdout', text: 'echo\n' }]);
  });

  it('hands payload on as it arrives, holding at most a partial header between chunks', () => {
    const big = encodeFrame('stdout', 'y'.repeat(100_000));
    const d = new DockerDemuxer({ tty: false });
    const first = d.push(big.subarray(0, 50_008));
    assert.equal(first.length, 1);
    assert.equal(first[0]!.data.length, 50_000);
    assert.equal(first[0]!.frameEnd, false);
    assert.equal(d.midFrame, true);
    const rest = d.push(big.subarray(50_008));
    assert.equal(rest[0]!.data.length, 50_000);
    assert.equal(rest[0]!.frameEnd, true);
    assert.equal(d.midFrame, false);
  });

  it('reports a stream cut in the middle of a header or a payload', () => {
    const one = encodeFrame('stderr', 'abc');
    const cutHeader = new DockerDemuxer({ tty: false });
    cutHeader.push(one.subarray(0, 5));
    assert.equal(cutHeader.midFrame, true);
    const cutPayload = new DockerDemuxer({ tty: false });
    assert.deepEqual(cutPayload.push(one.subarray(0, 9)).map((p) => p.data.toString()), ['a']);
    assert.equal(cutPayload.midFrame, true);
  });

  it('keeps the text of a stream that has no headers (tty set wrongly) and says so', () => {
    const d = new DockerDemuxer({ tty: false });
    const text = 'INFO 05-27 03:36:30 [utils.py:253] hello\n';
    const pieces = feed(d, [Buffer.from(text.slice(0, 3)), Buffer.from(text.slice(3))]);
    assert.equal(Buffer.concat(pieces.map((p) => p.data)).toString(), text);
    assert.ok(pieces.every((p) => p.stream === 'stdout'));
    assert.equal(d.malformed?.toString(), text.slice(0, 8));
  });
});

describe('DockerDemuxer (TTY)', () => {
  it('passes the raw stream through as stdout, header-like bytes included', () => {
    const d = new DockerDemuxer({ tty: true });
    const chunks = [encodeFrame('stderr', 'not a frame'), Buffer.from('\x1b[32mINFO\x1b[0m ok\r\n')];
    const pieces = feed(d, chunks);
    assert.ok(pieces.every((p) => p.stream === 'stdout' && p.frameEnd));
    assert.deepEqual(Buffer.concat(pieces.map((p) => p.data)), Buffer.concat(chunks));
    assert.equal(d.midFrame, false);
  });
});

describe('createDemuxStream', () => {
  it('works as a Transform between a byte stream and pieces', async () => {
    const chunks = [WIRE.subarray(0, 3), WIRE.subarray(3, 90), WIRE.subarray(90)];
    const out: StreamPiece[] = [];
    const demux = createDemuxStream({ tty: false });
    for await (const piece of Readable.from(chunks, { objectMode: false }).pipe(demux)) out.push(piece as StreamPiece);
    assert.deepEqual(frames(out), FRAMES);
    assert.equal(demux.demuxer.midFrame, false);
  });
});
