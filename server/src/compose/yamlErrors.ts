/**
 * What a YAML error means in a Compose file, in words a person mid-typing understands (issue 12: the `yaml`
 * library's "Implicit map keys need to be followed by map values" says nothing to most). The library's own words
 * follow in parentheses, for a search or a bug report. Messages by the library's error code and text
 * (node_modules/yaml/dist/compose/resolve-block-map.js and friends, yaml 2.x).
 */
const BY_MESSAGE: ReadonlyArray<[RegExp, string]> = [
  [/^Implicit map keys need to be followed by map values/, 'This key has no `:` after it: write `key: value`, or indent the line under the key it belongs to'],
  [/^Implicit keys (of flow sequence pairs )?need to be on a single line/, 'A key must fit on one line: a line above is probably missing its `:`, or a value runs on without quotes'],
  [/^Nested mappings are not allowed in compact mappings/, 'Two `key:` on one line (`a: b: c`), or a line indented deeper than the one before: give each key its own line at its level'],
  [/^Tabs are not allowed as indentation/, 'A tab indents this line: YAML indents with spaces only'],
  [/^All mapping items must start at the same column/, 'This key is not lined up with the keys beside it: indent it by the same number of spaces'],
  [/^All sequence items must start at the same column/, 'This `- ` item is not lined up with the items beside it: indent it by the same number of spaces'],
  [/^Map keys must be unique/, 'The same key twice in one map: the last one would win silently'],
];

/** The message shown for a YAML error: the plain explanation when one is known, the library's words after it. */
export function yamlErrorMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const known = BY_MESSAGE.find(([re]) => re.test(first));
  return known ? `${known[1]} (YAML: ${first})` : first;
}
