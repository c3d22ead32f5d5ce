/**
 * yaml-syntax in plain words (issue 12 item 9): each YAML error a half-typed Compose file gives is explained by the
 * library's error code, never shown in the library's own words ("Implicit map keys need to be followed by map
 * values"), and never with Markdown backticks (a diagnostic shows as plain text).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { YAML_OPTIONS } from '../../server/src/compose/composeFile';
import { yamlErrorMessage } from '../../server/src/compose/yamlErrors';
import { lint } from '../helpers';

const syntax = (text: string) => lint(text).filter((f) => f.rule === 'yaml-syntax').map((f) => f.message);

/** What a person mid-typing writes, and the first thing yaml-syntax says about it. */
const CASES: Array<[string, string, RegExp]> = [
  ['a key without its colon yet', 'services:\n  vllm:\n    image: x\n    command\n', /^This line has no ":" after its key/],
  ['a list item without its dash', 'services:\n  vllm:\n    command:\n      - a\n      b\n', /^This key is not lined up with the keys beside it/],
  ['a key indented one space short', 'services:\n  vllm:\n    image: x\n   ports: [1]\n', /^This key is not lined up with the keys beside it/],
  ['a key indented deeper than its neighbour', 'services:\n  vllm:\n    image: x\n      ports: [1]\n', /^Two keys on one line \("a: b: c"\), or a line indented deeper/],
  ['two keys on one line', 'services:\n  vllm: image: x\n', /^Two keys on one line/],
  ['a dash item out of line', 'services:\n  vllm:\n    command:\n      - a\n     - b\n', /^A "- " list item is indented where a key was expected/],
  ['a list never closed', 'services:\n  vllm:\n    image: [vllm/vllm-openai:v0.11.0\n', /^A list opened with "\[" is never closed with "\]"/],
  ['a map never closed', 'services:\n  vllm:\n    environment: {A: 1\n', /^A map opened with "\{" is never closed with "\}"/],
  ['a double quote never closed', 'services:\n  vllm:\n    image: "vllm\n', /^A value opened with " is never closed/],
  ["a single quote never closed", "services:\n  vllm:\n    image: 'vllm\n", /^A value opened with ' is never closed/],
  ['a tab for indentation', 'services:\n\tvllm:\n    image: x\n', /^A tab indents this line/],
  ['no comma between flow items', 'services:\n  vllm:\n    command: ["a" "b"]\n', /^Two items inside \[ \] or \{ \} with no comma/],
  ['an empty flow item', 'services:\n  vllm:\n    command: [a,,b]\n', /^A comma with no item before it/],
  ['a value starting with a backtick', 'services:\n  vllm:\n    image: `x`\n', /^A value cannot start with "`" unless it is in quotes/],
  ['a value starting with @', 'services:\n  vllm:\n    image: @x\n', /^A value cannot start with "@" unless it is in quotes/],
  ['an unknown escape', 'services:\n  vllm:\n    image: "a\\qb"\n', /^"\\q" is not an escape YAML knows inside "…": write \\\\ for a backslash/],
  ['a stray closing bracket', 'services:\n  vllm:\n    image: x\n  ]\n', /^A "\]" that closes no "\["/],
  ['a second document', 'services:\n  a:\n    image: x:1\n---\nservices:\n  b:\n    image: y:1\n', /^A second YAML document starts here \("---"\)/],
  ['a key running over two lines', 'services:\n  vllm:\n    image: x\n  foo bar\n  baz: 1\n', /^A key must fit on one line/],
];

describe('yaml-syntax messages', () => {
  for (const [what, text, expected] of CASES) {
    it(`${what}: ${expected.source.slice(1, 60)}…`, () => {
      const messages = syntax(text);
      assert.ok(messages.length > 0, `no yaml-syntax finding for:\n${text}`);
      assert.match(messages[0]!, expected, JSON.stringify(messages));
    });
  }

  it('never in the library\'s words, never with Markdown backticks, for every case above', () => {
    const library = /Implicit map keys|Implicit keys|compact mappings|must start at the same column|Plain value cannot|parseAllDocuments|Flow sequence in block|Missing closing|Unexpected .* token/;
    for (const [, text] of CASES) {
      for (const m of syntax(text)) {
        assert.doesNotMatch(m, library, m);
        assert.ok(!/`[^`"]+`/.test(m), `a Markdown code span in: ${m}`);
      }
    }
  });

  it('a code the table does not know keeps the library\'s line, said to be YAML\'s', () => {
    assert.equal(yamlErrorMessage({ code: 'TAG_RESOLVE_FAILED', message: 'Unresolved tag: !foo\n\nat line 3' }), 'YAML cannot read this: Unresolved tag: !foo');
    assert.equal(yamlErrorMessage({ message: 'Something new' }), 'YAML cannot read this: Something new');
  });

  it('every error code the library raises on these texts is one the table explains', () => {
    const codes = new Set<string>();
    for (const [, text] of CASES) for (const e of parseDocument(text, YAML_OPTIONS).errors) codes.add(e.code);
    const unexplained = [...codes].filter((code) => yamlErrorMessage({ code, message: '' }).startsWith('YAML cannot read this'));
    // MISSING_CHAR, BAD_SCALAR_START and UNEXPECTED_TOKEN explain by the text as well: an empty text falls through.
    assert.deepEqual(unexplained.filter((c) => !['MISSING_CHAR', 'BAD_SCALAR_START', 'UNEXPECTED_TOKEN'].includes(c)), []);
  });
});
