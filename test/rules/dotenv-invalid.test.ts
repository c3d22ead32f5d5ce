import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsOf, lint, rangeText, toCrlf } from '../helpers';

const RULE = 'dotenv-invalid';
const dotenv = (text: string) => findingsOf(RULE, text, 'dotenv');
const TOKEN = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe(RULE, () => {
  for (const [name, eol] of [['LF', (t: string) => t], ['CRLF', toCrlf]] as const) {
    it(`reports an unterminated quote at its line, without the value (${name})`, () => {
      const text = eol(`# models\nMODEL=org/m\nHF_TOKEN="${TOKEN}\nPORT=8000\n`);
      const [f, ...rest] = dotenv(text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.equal(f!.message, 'failed to read .env: unterminated quoted value');
      assert.deepEqual(f!.range.start, { line: 2, character: 9 });
      assert.equal(rangeText(text, f!).replace(/\r$/, ''), `"${TOKEN}`);
      assert.ok(!f!.message.includes(TOKEN));
    });
  }

  it('reports a space in a key at the key', () => {
    const text = '# some comments\nfoo="\n  a\n  multine\n  value\n"\nINVALID LINE\nzot=qix';
    const [f] = dotenv(text);
    assert.equal(f!.message, 'failed to read .env: key cannot contain a space');
    assert.equal(rangeText(text, f!), 'INVALID LINE');
  });

  it('reports an unexpected character in a name at the character, never showing what follows `=`', () => {
    const text = `OK=1\nMY$TOKEN=${TOKEN}\n`;
    const [f] = dotenv(text);
    assert.equal(f!.message, 'failed to read .env: unexpected character "$" in variable name "MY$TOKEN"');
    assert.equal(rangeText(text, f!), '$');
    assert.ok(!f!.message.includes(TOKEN));
  });

  it('reports an invalid ${...} in a value at its position, without the value', () => {
    const text = `A=1\nURL=http://host/\${path }/${TOKEN}\n`;
    const [f] = dotenv(text);
    assert.equal(f!.message, 'failed to read .env: Invalid template in the value of URL: a $ that starts no variable (write $$ for a literal $)');
    assert.equal(rangeText(text, f!), '${path }');
    assert.ok(!f!.message.includes(TOKEN));
  });

  it('reports a required variable set empty above it, and not one the shell may set', () => {
    const text = 'EMPTY=\nA=${EMPTY:?fill EMPTY in}\nB=${FROM_SHELL:?export it}\n';
    const findings = dotenv(text);
    assert.deepEqual(
      findings.map((f) => [f.message, rangeText(text, f)]),
      [['failed to read .env: required variable EMPTY is missing a value', '${EMPTY:?fill EMPTY in}']],
    );
  });

  it('is silent on what compose-go reads: escapes, multi-line values, export, yaml style, a key alone', () => {
    const text = 'export A=1\nB: two\nC="x\\"y\\ty"\nD=\'multi\nline\'\nFROM_ENV\nE=$$literal\nF="\\$HOME"\n# comment\n';
    assert.deepEqual(dotenv(text), []);
  });

  it('is the only rule a .env gets', () => {
    const text = `HF_TOKEN=${TOKEN}\nHUGGING_FACE_HUB_TOKEN=x\nBROKEN="\n`;
    assert.deepEqual(lint(text, 'dotenv').map((f) => f.rule), [RULE]);
  });

  it('stays linear on adversarial .env files of about 1 MB', () => {
    const inputs = [
      `A="${'\\'.repeat(500_000)}`,
      `A=${'${'.repeat(400_000)}`,
      `A=${'${A:-'.repeat(200_000)}`,
      'A'.repeat(1_000_000),
      'A=x #\n'.repeat(150_000),
      `${'# c\n'.repeat(200_000)}B C=1`,
    ];
    for (const text of inputs) {
      const started = process.hrtime.bigint();
      const findings = lint(text, 'dotenv');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(findings.length <= 1, text.slice(0, 20));
      assert.ok(ms < 3000, `${text.slice(0, 20)}: ${Math.round(ms)} ms`);
    }
  });
});
