/**
 * Lines from chunks (any split, \n / \r\n / \r, bounded length) and vLLM / uvicorn log lines parsed into level,
 * time, source and text. Line formats from server/src/engines/facts/vllm-server.json `log_format`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  atLeast,
  colourLine,
  filterByLevel,
  LineSplitter,
  LogLineParser,
  parseLogLine,
  stripAnsi,
  terminalText,
  TRUNCATION_MARK,
} from '../../client/src/stack/logs/logLines';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'vllm-startup.log');

function splitAll(chunks: (Buffer | string)[], maxLineBytes?: number): string[] {
  const s = new LineSplitter(maxLineBytes === undefined ? {} : { maxLineBytes });
  const out = chunks.flatMap((c) => s.push(c));
  return [...out, ...s.end()];
}

describe('LineSplitter', () => {
  // LF, CRLF, an empty line in each style, a tqdm-style \r redraw, multi-byte UTF-8 and a partial last line.
  const TEXT = 'one\ntwo\r\n\nthree é█\r\n\r\nLoading 0%\rLoading 50%\rLoading 100%\nlast, no newline';
  const EXPECTED = ['one', 'two', '', 'three é█', '', 'Loading 0%', 'Loading 50%', 'Loading 100%', 'last, no newline'];
  const BYTES = Buffer.from(TEXT);

  it('splits \\n, \\r\\n and \\r, keeping empty lines and the partial last line', () => {
    assert.deepEqual(splitAll([BYTES]), EXPECTED);
  });

  it('gives the same lines whatever byte the chunks are split at (CR/LF pairs and UTF-8 characters included)', () => {
    for (let i = 0; i <= BYTES.length; i++) {
      assert.deepEqual(splitAll([BYTES.subarray(0, i), BYTES.subarray(i)]), EXPECTED, `split at ${i}`);
    }
    assert.deepEqual(splitAll([...BYTES].map((b) => Buffer.from([b]))), EXPECTED, 'one byte per chunk');
  });

  it('holds a partial line until more data or end(), and a \\r at a chunk end until the next byte', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('INFO 05-27 03:36:30 [utils.py:253] vLLM ser'), []);
    assert.equal(s.heldBytes, 43);
    assert.deepEqual(s.push('ver version 0.21.1\r'), []);
    assert.deepEqual(s.push('\nnext'), ['INFO 05-27 03:36:30 [utils.py:253] vLLM server version 0.21.1']);
    assert.deepEqual(s.end(), ['next']);
    assert.deepEqual(s.end(), []);
  });

  it('cuts a line longer than the maximum, skips its rest, and goes on with the next line', () => {
    const long = 'a'.repeat(10_000);
    const chunks: string[] = [];
    const text = `${long}\nafter\n`;
    for (let i = 0; i < text.length; i += 333) chunks.push(text.slice(i, i + 333));
    const s = new LineSplitter({ maxLineBytes: 1000 });
    const out: string[] = [];
    for (const c of chunks) {
      out.push(...s.push(c));
      assert.ok(s.heldBytes <= 1000, `held ${s.heldBytes} bytes`);
    }
    assert.deepEqual(out, ['a'.repeat(1000) + TRUNCATION_MARK, 'after']);
    assert.equal(s.truncatedLines, 1);
  });

  it('cuts a line that arrives whole in one chunk, and one cut off by end()', () => {
    assert.deepEqual(splitAll(['x'.repeat(50) + '\ny\n'], 10), ['x'.repeat(10) + TRUNCATION_MARK, 'y']);
    assert.deepEqual(splitAll(['z'.repeat(50)], 10), ['z'.repeat(10) + TRUNCATION_MARK]);
  });

  it('cuts at a UTF-8 character boundary', () => {
    // 'é' is 2 bytes: a 7-byte maximum holds 3 of them, never half of the fourth.
    const [line] = splitAll(['éééééé\n'], 7);
    assert.equal(line, 'ééé' + TRUNCATION_MARK);
    // 1-, 2-, 3- and 4-byte characters, every maximum: never a replacement character, always a prefix.
    const mixed = 'aé█🚀b█é🚀';
    for (let max = 1; max < Buffer.byteLength(mixed); max++) {
      const [cut] = splitAll([mixed + '\n'], max);
      const kept = cut!.slice(0, -TRUNCATION_MARK.length);
      assert.ok(mixed.startsWith(kept) && !kept.includes('\uFFFD') && Buffer.byteLength(kept) <= max, `max ${max}: ${cut}`);
    }
  });
});

describe('parseLogLine', () => {
  it('reads the vLLM format (facts log_format.example)', () => {
    const l = parseLogLine('INFO 05-27 03:37:01 [gpu_model_runner.py:5133] Model loading took 14.99 GiB memory and 12.345678 seconds');
    assert.equal(l.level, 'info');
    assert.equal(l.time, '05-27 03:37:01');
    assert.equal(l.source, 'gpu_model_runner.py:5133');
    assert.equal(l.text, 'Model loading took 14.99 GiB memory and 12.345678 seconds');
    assert.equal(l.levelFrom, 'line');
  });

  it("reads the format before 2025-02-24 (no '[') and the DEBUG relative path (PR #23846)", () => {
    const old = parseLogLine('INFO 11-27 07:19:27 api_server.py:194] Started engine process with PID 16');
    assert.deepEqual([old.level, old.time, old.source, old.text], ['info', '11-27 07:19:27', 'api_server.py:194', 'Started engine process with PID 16']);
    const dbg = parseLogLine('DEBUG 05-27 03:36:31 [v1/engine/core.py:712] EngineCore waiting for work.');
    assert.deepEqual([dbg.level, dbg.source], ['debug', 'v1/engine/core.py:712']);
  });

  it("reads vLLM's process prefix, and WARNING / ERROR / CRITICAL levels", () => {
    const w = parseLogLine('(EngineCore_DP0 pid=312) WARNING 05-27 03:36:46 [envs.py:1501] Unknown vLLM environment variable detected: VLLM_FOO');
    assert.deepEqual([w.process, w.level, w.text], ['EngineCore_DP0', 'warning', 'Unknown vLLM environment variable detected: VLLM_FOO']);
    const e = parseLogLine('(EngineCore_DP0 pid=312) ERROR 05-27 03:36:47 [core.py:700] EngineCore failed to start.');
    assert.equal(e.level, 'error');
    assert.equal(parseLogLine('CRITICAL 05-27 03:36:47 [x.py:1] boom').level, 'error');
  });

  it("reads uvicorn's format, on either stream, with the vLLM process prefix", () => {
    const u = parseLogLine('(APIServer pid=1) INFO:     Started server process [1]');
    assert.deepEqual([u.process, u.level, u.source, u.text], ['APIServer', 'info', 'uvicorn', 'Started server process [1]']);
    const access = parseLogLine('INFO:     172.17.0.1:53422 - "GET /health HTTP/1.1" 200 OK');
    assert.equal(access.text, '172.17.0.1:53422 - "GET /health HTTP/1.1" 200 OK');
    assert.equal(parseLogLine('ERROR:    Traceback (most recent call last):').level, 'error');
  });

  it('removes ANSI colours (a TTY container) before reading the line', () => {
    const coloured = '\x1b[36m(APIServer pid=1)\x1b[0m \x1b[32mINFO\x1b[0m 05-27 03:37:29 \x1b[90m[api_server.py:1932]\x1b[0m Starting vLLM server on http://0.0.0.0:8000';
    const l = parseLogLine(coloured);
    assert.equal(l.level, 'info');
    assert.equal(l.process, 'APIServer');
    assert.equal(l.text, 'Starting vLLM server on http://0.0.0.0:8000');
    assert.equal(l.line, stripAnsi(coloured));
    assert.ok(!l.line.includes('\x1b'));
  });

  it("reads Docker's timestamp when logs are asked with timestamps", () => {
    const l = parseLogLine('2026-05-27T03:37:29.123456789Z (APIServer pid=1) INFO:     Application startup complete.');
    assert.equal(l.dockerTime, '2026-05-27T03:37:29.123456789Z');
    assert.equal(l.text, 'Application startup complete.');
  });

  it('gives a traceback the level of the error before it, and exception lines their own error level', () => {
    const p = new LogLineParser();
    const levels = [
      '(EngineCore_DP0 pid=312) ERROR 05-27 03:36:47 [core.py:700] EngineCore failed to start.',
      '(EngineCore_DP0 pid=312) Traceback (most recent call last):',
      '(EngineCore_DP0 pid=312)   File "/usr/lib/python3/site-packages/vllm/config/device.py", line 58, in __post_init__',
      '(EngineCore_DP0 pid=312) RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.',
      '/usr/lib/python3/site-packages/torch/cuda/__init__.py:61: UserWarning: something deprecated',
    ].map((l) => p.parse(l));
    assert.deepEqual(levels.map((l) => l.level), ['error', 'error', 'error', 'error', 'warning']);
    assert.equal(levels[2]!.levelFrom, 'previous');
    assert.equal(parseLogLine('plain banner line').levelFrom, 'default');
  });

  it('parses every line of the startup fixture as vLLM or uvicorn format, except the progress bars', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const p = new LogLineParser();
    const parsed = lines.map((l) => p.parse(l));
    const unparsed = parsed.filter((l) => l.source === undefined).map((l) => l.text);
    assert.deepEqual(unparsed.map((t) => t.split(':')[0]), ['Loading safetensors checkpoint shards', 'Loading safetensors checkpoint shards', 'Capturing CUDA graphs (mixed prefill-decode, PIECEWISE)']);
    assert.ok(parsed.every((l) => l.level === 'info'));
    assert.ok(parsed.every((l) => l.process === 'APIServer' || l.process === 'EngineCore_DP0'));
  });
});

describe('level filter and colour', () => {
  it('orders debug < info < warning < error', () => {
    assert.ok(atLeast('error', 'warning') && atLeast('warning', 'warning') && !atLeast('info', 'warning') && !atLeast('debug', 'info'));
    const lines = (['debug', 'info', 'warning', 'error'] as const).map((level) => ({ level, line: level }));
    assert.deepEqual(filterByLevel(lines, 'warning').map((l) => l.level), ['warning', 'error']);
    assert.deepEqual(filterByLevel(lines, 'debug').length, 4);
  });

  it('colours warnings yellow, errors red and debug grey for a pseudoterminal, ending lines with \\r\\n', () => {
    assert.equal(colourLine({ level: 'warning', line: 'w' }), '\x1b[33mw\x1b[0m');
    assert.equal(colourLine({ level: 'error', line: 'e' }), '\x1b[31me\x1b[0m');
    assert.equal(colourLine({ level: 'info', line: 'i' }), 'i');
    assert.equal(terminalText([{ level: 'debug', line: 'd' }, { level: 'info', line: 'i' }], true), '\x1b[90md\x1b[0m\r\ni\r\n');
    assert.equal(terminalText([{ level: 'error', line: 'e' }], false), 'e\r\n');
  });
});
