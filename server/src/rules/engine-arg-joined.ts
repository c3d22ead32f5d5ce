import { serviceEngineArgs } from '../compose/serviceEngineArgs';
import { isFlagToken } from '../core/commandWords';
import type { LineIndex } from '../core/lineIndex';
import type { Reporter, SpanFix } from '../core/types';
import { dockerfileEngineArgs } from '../dockerfile/dockerfileEngineArgs';
import type { Word } from '../engines/engineArgv';
import type { LaunchedEngine } from '../engines/engineLaunch';
import type { Rule } from './rule';

/**
 * A list-form `command:` item (or a JSON-array CMD string, or a quoted word in a script) that holds a flag and its
 * value, `"--max-model-len 8192"`, reaches the engine as one argument: no shell splits list items. Every parser
 * then refuses it: argparse (vLLM, SGLang) takes a word with a space for a positional ("unrecognized arguments"),
 * clap (TGI, TEI) looks for a flag named `max-input-tokens 4096`, llama-server and tritonserver look the whole word
 * up. Only a wrapper script that re-splits its arguments makes it work: TGI's image runs
 * `exec text-generation-launcher $@` unquoted (facts/tgi-flags.json `images`), so through that entrypoint it is
 * silent. vLLM's, TEI's and llama.cpp's images start the engine in exec form (their facts' `image`).
 */
export const rule: Rule = {
  meta: {
    id: 'engine-arg-joined',
    defaultSeverity: 'error',
    title: 'A flag and its value written as one argument',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const { launched } = serviceEngineArgs(ctx.file, info);
      if (launched) check(launched, ctx.file.text, ctx.file.lines, ctx.report);
    }
  },
  dockerfile(ctx) {
    for (const launched of dockerfileEngineArgs(ctx.model)?.launches ?? []) check(launched, ctx.model.text, ctx.model.lines, ctx.report);
  },
};

/** `--flag value`: a flag, then whitespace, then the rest (the flag part holds no `=`). */
const JOINED = /^(--?[A-Za-z][\w.-]*)[ \t]+(\S[\s\S]*)$/;

function check(launched: LaunchedEngine, text: string, lines: LineIndex, report: Reporter): void {
  const { parser } = launched;
  if (launched.viaImageEntrypoint && parser.imageEntrypointSplitsWords) return;
  for (const word of launched.args) {
    if (word.text === '--') return;
    const m = JOINED.exec(word.text);
    if (!m || !isFlagToken(m[1]!)) continue;
    const [, flag, value] = m as unknown as [string, string, string];
    // Only a flag the engine has: anything else is not surely a flag and its value.
    if (parser.judge(flag).kind !== 'known') continue;
    report({
      span: word.span,
      message:
        `\`${word.text}\` is one argument: ${parser.name} receives a flag named \`${word.text}\` and exits at start-up with "${parser.refusal}". ` +
        `Write \`${flag}\` and \`${value}\` as two items.`,
      fixes: splitFix(text, lines, word, flag, value),
    });
  }
}

/** Two items where one was: a new `- value` line in a block list, `"flag", "value"` in a flow list or JSON array. */
function splitFix(text: string, lines: LineIndex, word: Word, flag: string, value: string): SpanFix[] {
  const container = word.container;
  if (!container || !word.inner) return [];
  const written = text.slice(word.span.start, word.span.end);
  // A plain `8192` or `true` would be a YAML number or boolean: quoted, it stays the string the engine reads.
  const plain = (s: string) => (/^([-+]?\.?\d|(true|false|yes|no|on|off|null|~)$)/i.test(s) ? JSON.stringify(s) : s);
  const quote = written.startsWith('"') ? (s: string) => JSON.stringify(s) : written.startsWith("'") ? (s: string) => `'${s.replace(/'/g, "''")}'` : plain;
  let newText: string;
  if (container.kind === 'blockSeq') {
    const lineStart = lines.lineStart(lines.lineOf(word.span.start));
    const prefix = text.slice(lineStart, word.span.start);
    if (!/^[ \t]*-[ \t]+$/.test(prefix)) return [];
    const eol = text.slice(word.span.end).startsWith('\r\n') ? '\r\n' : '\n';
    newText = `${quote(flag)}${eol}${prefix}${quote(value)}`;
  } else {
    // A flow list or a JSON array: the item sits between `[` or `,` and `,` or `]`; a word of a string has spaces there.
    const before = text.slice(0, word.span.start).trimEnd().slice(-1);
    const after = text.slice(word.span.end).trimStart().slice(0, 1);
    if (!/[[,]/.test(before) || !/[\],]/.test(after)) return [];
    const q = written.startsWith("'") ? quote : (s: string) => JSON.stringify(s);
    newText = `${q(flag)}, ${q(value)}`;
  }
  return [{ title: `Split into ${flag} and ${value}`, preferred: true, edits: [{ span: word.span, newText }] }];
}
