/**
 * What a YAML error means in a Compose file, in words a person mid-typing understands (issue 12: the `yaml`
 * library's "Implicit map keys need to be followed by map values" says nothing to most). Chosen by the library's
 * error code (YAMLError.code), then its text where one code covers several cases (yaml 2.x:
 * node_modules/yaml/dist/compose/resolve-block-map.js, resolve-flow-collection.js, resolve-flow-scalar.js and
 * friends). Diagnostics show as plain text, so the words quote with "…", never Markdown backticks.
 */

/** The parts of a YAMLError (or YAMLWarning) this reads. */
export interface YamlErrorLike {
  code?: string;
  message: string;
}

type Explain = (first: string) => string | undefined;

/** The library's words for a flow collection ("Flow sequence", "Flow map" or "Flow mapping") → how it reads here. */
const FLOW: Readonly<Record<string, string>> = { sequence: 'A list opened with "[" is never closed with "]"', map: 'A map opened with "{" is never closed with "}"', mapping: 'A map opened with "{" is never closed with "}"' };

/** The character the library names at the end of "Plain value cannot start with …" (a word for some). */
function badStart(first: string): string | undefined {
  const m = /cannot start with (?:reserved character |flow indicator character |directive indicator character |block scalar indicator )?(.+)$/.exec(first);
  if (!m) return undefined;
  if (m[1] === 'a tab character') return 'a tab';
  return `"${m[1]}"`;
}

const BY_CODE: Readonly<Record<string, Explain>> = {
  MISSING_CHAR: (first) => {
    if (/^Implicit map keys need to be followed by map values/.test(first)) {
      return 'This line has no ":" after its key: write "key: value", put "- " before a list item, or indent the line under the key it belongs to';
    }
    if (/^Missing closing "quote/.test(first)) return 'A value opened with " is never closed: add the closing "';
    if (/^Missing closing 'quote/.test(first)) return "A value opened with ' is never closed: add the closing '";
    if (/^Missing ,( or :)? between/.test(first)) return 'Two items inside [ ] or { } with no comma between them';
    if (/^Comments must be separated/.test(first)) return 'A "#" comment needs a space before it';
    if (/^Sequence item without - indicator/.test(first)) return 'A list item without "- " in front of it';
    if (/^Missing space after :/.test(first)) return 'A ":" inside { } needs a space after it: write "key: value"';
    if (/^Tags and anchors must be separated/.test(first)) return 'An "&anchor" or "!tag" needs a space after it';
    return undefined;
  },
  MULTILINE_IMPLICIT_KEY: () => 'A key must fit on one line: a line above is probably missing its ":", or a value runs on to the next line without quotes',
  BLOCK_AS_IMPLICIT_KEY: (first) => {
    if (/^Nested mappings are not allowed in compact mappings/.test(first)) {
      return 'Two keys on one line ("a: b: c"), or a line indented deeper than the one before: give each key its own line, at its level';
    }
    if (/block sequence may not be used as an implicit map key/.test(first)) return 'A "- " list item is indented where a key was expected: line the "- " items up under their key';
    return 'A line is indented where a key was expected: check the indentation of the lines above';
  },
  BAD_INDENT: (first) => {
    if (/^All mapping items must start at the same column/.test(first)) return 'This key is not lined up with the keys beside it: indent it by the same number of spaces';
    if (/^All sequence items must start at the same column/.test(first)) return 'This "- " item is not lined up with the items beside it: indent it by the same number of spaces';
    const flow = /^Flow (sequence|mapping|map) in block collection must be sufficiently indented and end with a/.exec(first);
    if (flow) return `${FLOW[flow[1]!]}, or a line inside it is not indented under its key`;
    return 'The indentation of this line does not fit the lines around it';
  },
  TAB_AS_INDENT: () => 'A tab indents this line: YAML indents with spaces only',
  DUPLICATE_KEY: () => 'The same key twice in one map: the last one would win silently',
  BAD_SCALAR_START: (first) => {
    const what = badStart(first);
    return what ? `A value cannot start with ${what} unless it is in quotes: put the whole value in "…"` : undefined;
  },
  BAD_DQ_ESCAPE: (first) => {
    const seq = /Invalid escape sequence (\S+)/.exec(first)?.[1];
    return `${seq ? `"${seq}" is not an escape YAML knows` : 'An escape YAML does not know'} inside "…": write \\\\ for a backslash, or use single quotes`;
  },
  UNEXPECTED_TOKEN: (first) => {
    if (/^Unexpected , in/.test(first) || /^Unexpected empty item/.test(first)) return 'A comma with no item before it, inside [ ] or { }';
    if (/flow-seq-end|: "\]"$/.test(first)) return 'A "]" that closes no "["';
    if (/flow-map-end|: "\}"$/.test(first)) return 'A "}" that closes no "{"';
    return undefined;
  },
  MULTIPLE_DOCS: () => 'A second YAML document starts here ("---"): Compose merges it into the first, but these checks read only the first document of a file',
  KEY_OVER_1024_CHARS: () => 'A key longer than 1024 characters: a line above is probably missing its ":", or a quote is not closed',
  BAD_ALIAS: () => 'An "&anchor" or "*alias" with no name, or with a name ending in ":"',
  MULTIPLE_ANCHORS: () => 'Two "&anchor" names on one value: keep one',
  MULTIPLE_TAGS: () => 'Two "!tag" names on one value: keep one',
};

/** The message shown for a YAML error: what it means in plain words, else the library's own line, said to be YAML's. */
export function yamlErrorMessage(error: YamlErrorLike): string {
  const first = error.message.split('\n')[0] ?? error.message;
  const plain = error.code ? BY_CODE[error.code]?.(first) : undefined;
  return plain ?? `YAML cannot read this: ${first}`;
}
