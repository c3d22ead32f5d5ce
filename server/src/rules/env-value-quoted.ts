import type { EnvEntry } from '../compose/service';
import { templateTokens } from '../compose/template';
import type { ComposeContext, Rule } from './rule';
import type { Span, SpanFix } from '../core/types';

/**
 * Quotes that Compose keeps in a value. The list form of `environment:` is cut at the first `=` and the rest
 * taken as is (compose-go types/mapping.go `MappingWithEquals.DecodeMapstructure`, e70e961: no shell, no
 * unquoting), so `- KEY="v"` sets `"v"` with its quotes; and a `${X:-"v"}` default is inserted as written
 * (template/template.go `withDefaultWhenAbsence` substitutes the default text, quotes included), in either form.
 */
export const rule: Rule = {
  meta: {
    id: 'env-value-quoted',
    defaultSeverity: 'warning',
    title: 'Quotes that become part of an environment value',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      for (const env of info.env) {
        if (env.value === undefined || !env.valueSpan) continue;
        const where = exactValueStart(ctx, env);
        const inner = env.form === 'list' ? unquoted(env.value) : undefined;
        if (inner !== undefined) {
          ctx.report({
            span: env.valueSpan,
            message:
              `The quotes around the value of ${env.name} become part of it: in the list form of \`environment:\` Compose takes ` +
              'everything after "=" as written, quotes included. Drop them ' +
              `(to quote for YAML, quote the whole item: - "${env.name}=...").`,
            fixes: where === undefined ? [] : [dropQuotes({ start: where, end: where + env.value.length }, inner)],
          });
          continue;
        }
        for (const arg of quotedDefaults(env.value)) {
          ctx.report({
            span: where === undefined ? env.valueSpan : { start: where + arg.from, end: where + arg.to },
            message:
              `The quotes in this ${kind(arg.op)} of ${env.name} become part of the value: Compose inserts the text of ` +
              `\`\${${arg.name}${arg.op}...}\` as written, so ${env.name} gets it with its quotes when ${arg.name} is ${WHEN[arg.op]}. Drop them.`,
            fixes: where === undefined ? [] : [dropQuotes({ start: where + arg.from, end: where + arg.to }, arg.inner)],
          });
        }
      }
    }
  },
};

/** The text between matching outer quotes, when the whole value is one quoted string; else undefined. */
function unquoted(value: string): string | undefined {
  const q = value[0];
  if ((q !== '"' && q !== "'") || value.length < 2 || value[value.length - 1] !== q) return undefined;
  const inner = value.slice(1, -1);
  // `"a" "b"` or `"--x" --y="z"`: more than one quoted part, dropping the outer quotes would not give a value.
  return inner.includes(q) ? undefined : inner;
}

type ValueOperator = ':-' | '-' | ':+' | '+';

/** When compose-go uses the operator's text (template.go withDefaultWhenAbsence / withDefaultWhenPresence). */
const WHEN: Record<ValueOperator, string> = { ':-': 'unset or empty', '-': 'unset', ':+': 'set and not empty', '+': 'set' };

function kind(op: ValueOperator): string {
  return op.endsWith('-') ? 'default' : 'alternative value';
}

interface QuotedDefault {
  name: string;
  op: ValueOperator;
  from: number;
  to: number;
  inner: string;
}

/** `${X:-"v"}`, `${X-'v'}`, `${X:+"v"}`: defaults and alternatives that are one quoted string. */
function quotedDefaults(value: string): QuotedDefault[] {
  if (!value.includes('$')) return [];
  return templateTokens(value).flatMap((t) => {
    if (t.kind !== 'operator' || t.op === ':?' || t.op === '?') return [];
    const inner = unquoted(value.slice(t.argFrom, t.argTo));
    return inner === undefined ? [] : [{ name: t.name, op: t.op, from: t.argFrom, to: t.argTo, inner }];
  });
}

/** Where the value starts in the file, when its span holds exactly the value (no YAML quotes or escapes). */
function exactValueStart(ctx: ComposeContext, env: EnvEntry): number | undefined {
  const span = env.valueSpan!;
  return env.item !== undefined && ctx.file.text.slice(span.start, span.end) === env.value ? span.start : undefined;
}

function dropQuotes(span: Span, inner: string): SpanFix {
  return { title: 'Drop the quotes', preferred: true, edits: [{ span, newText: inner }] };
}
