/**
 * A model's answer in a message (issue 12 item 9, "JSON escapes shown literally"): in "…" with its line breaks as
 * spaces, not JSON.stringify's \n and \", in the extension (quoteText) and in the healthcheck script (show()).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { quoteText } from '../../client/src/stack/probe/probe';
import { buildProbeScript } from '../../server/src/scaffold/probeScript';
import { probeNotice } from '../../client/src/stack/views/notices';

const CASES: Array<[string, string]> = [
  ['4', '"4"'],
  ['The answer is 4.\n\nIs there anything else?', '"The answer is 4. Is there anything else?"'],
  ['He said "four"', '"He said "four""'],
  ['  tabs\tand\r\nCRLF  ', '"tabs and CRLF"'],
  ['bell\u0007 and escape\u001b[31m red', '"bell and escape [31m red"'],
  ['C1\u0085control\u009b', '"C1 control"'],
  ['', '""'],
];

describe('quoteText', () => {
  it('quotes without escaping, line breaks and control characters as one space', () => {
    for (const [text, shown] of CASES) assert.equal(quoteText(text), shown, JSON.stringify(text));
  });

  it('a passed probe notice shows the answer as read', () => {
    const run = { pass: true, results: [{ name: '2 + 2', pass: true, latencyMs: 12, answer: '4\n' }] };
    assert.equal(probeNotice('vllm', run), 'Probe passed on vllm: 2 + 2 → "4" (12 ms).');
  });

  const hasPython = spawnSync('python3', ['--version']).status === 0;
  it('the healthcheck script writes the same', { skip: hasPython ? false : 'python3 not found' }, () => {
    const built = buildProbeScript({});
    assert.ok(built.ok);
    const show = /^def show\(text\):\n(?: {4}.*\n)+/m.exec(built.script)?.[0];
    assert.ok(show, 'no show() in the script');
    const program = `import json, sys\n${show}\nprint(json.dumps([show(t) for t in json.load(sys.stdin)]))\n`;
    const r = spawnSync('python3', ['-c', program], { input: JSON.stringify(CASES.map(([t]) => t)), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), CASES.map(([, shown]) => shown));
  });
});
