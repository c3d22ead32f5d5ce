/**
 * Secrets in log lines are masked: the secret's text never appears in the output, a short prefix stays.
 * Made-up values only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TRUNCATION_MARK } from '../../client/src/stack/logs/logLines';
import { maskSecrets } from '../../client/src/stack/logs/mask';

const HF = 'hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const SK = 'sk-' + 'proj-Abc123Def456Ghi789Jkl012Mno';
const ANT = 'sk-ant-' + 'api03-Abc123Def456Ghi789Jkl012';
const NV = 'nvapi-' + 'Abc123Def456Ghi789Jkl012Mno345';
const GH = 'ghp_' + 'Abc123Def456Ghi789Jkl012Mno345Pqr678';
const PLAIN = 'my-own-server-key-42';

/** [line, secret that must not appear, text that must appear] */
const CASES: [string, string, string][] = [
  [`Downloading with token ${HF} now`, HF.slice(3), 'token hf_**** now'],
  [`HF_TOKEN=${HF}`, HF.slice(3), 'HF_TOKEN=hf_****'],
  [`HUGGING_FACE_HUB_TOKEN="${HF}"`, HF.slice(3), 'HUGGING_FACE_HUB_TOKEN="hf_****"'],
  [`key ${SK} set`, SK.slice(8), 'key sk-proj-**** set'],
  [`ANTHROPIC_API_KEY=${ANT}`, ANT.slice(7), 'ANTHROPIC_API_KEY=sk-ant-****'],
  [`NGC key ${NV}`, NV.slice(6), 'NGC key nvapi-****'],
  [`GITHUB_TOKEN: ${GH}`, GH.slice(4), 'GITHUB_TOKEN: ghp_****'],
  [`Authorization: Bearer ${PLAIN}`, PLAIN, 'Authorization: Bearer ****'],
  [`curl -H "Authorization: Bearer ${SK}" http://x`, SK.slice(8), '"Authorization: Bearer sk-proj-****"'],
  [`vllm serve m --api-key ${PLAIN} --port 8000`, PLAIN, '--api-key **** --port 8000'],
  [`vllm serve m --api-key=${PLAIN}`, PLAIN, '--api-key=****'],
  [`vllm serve m --hf-token ${HF}`, HF.slice(3), '--hf-token hf_****'],
  [`api_key=${PLAIN}, model=x`, PLAIN, 'api_key=****, model=x'],
  [`VLLM_API_KEY=${PLAIN}`, PLAIN, 'VLLM_API_KEY=****'],
  // vLLM's "non-default args" line prints --api-key's list (nargs='+').
  [`non-default args: {'model_tag': 'm', 'api_key': ['${PLAIN}', 'second-key-77'], 'port': 8000}`, PLAIN, "'api_key': ['****', '****'], 'port': 8000"],
  [`{"password": "${PLAIN}"}`, PLAIN, '{"password": "****"}'],
  [`pulling https://user:${PLAIN}@example.com/repo`, PLAIN, 'https://user:****@example.com/repo'],
];

describe('maskSecrets', () => {
  for (const [line, secret, expected] of CASES) {
    it(`masks: ${expected}`, () => {
      const out = maskSecrets(line);
      assert.ok(!out.includes(secret), `secret left in: ${out}`);
      assert.ok(out.includes(expected), `expected "${expected}" in: ${out}`);
    });
  }

  it('masks the second api key of the list too', () => {
    assert.ok(!maskSecrets(CASES[14]![0]).includes('second-key-77'));
  });

  it('leaves lines without secrets unchanged: the whole startup fixture but its api_key, counts, tokenizer tokens', () => {
    const fixture = readFileSync(join(__dirname, '..', '..', '..', 'test', 'stack', 'fixtures', 'vllm-startup.log'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const changed = fixture.filter((l) => maskSecrets(l) !== l);
    assert.equal(changed.length, 1);
    assert.ok(changed[0]!.includes('non-default args'));
    assert.ok(!maskSecrets(changed[0]!).includes('sk-fixture0123456789abcdefghij'));
    for (const line of [
      'max_num_batched_tokens=8192, max_tokens: 16',
      "bos_token='<s>', eos_token='</s>', pad_token: '<pad>'",
      'Prefill batch. #new-seq: 1, #new-token: 7, #cached-token: 0, token usage: 0.00',
      'api_key: None',
      'Starting vLLM server on http://0.0.0.0:8000',
      'Tokens: task-1234567890abcdefghijklmn disk-0123456789abcdefghijkl',
    ]) {
      assert.equal(maskSecrets(line), line);
    }
  });

  it('is idempotent', () => {
    for (const [line] of CASES) assert.equal(maskSecrets(maskSecrets(line)), maskSecrets(line));
  });

  it('masks a token cut short by the line length limit', () => {
    const cut = `header ${HF.slice(0, 20)}${TRUNCATION_MARK}`;
    const out = maskSecrets(cut);
    assert.equal(out, `header hf_****${TRUNCATION_MARK}`);
  });
});
