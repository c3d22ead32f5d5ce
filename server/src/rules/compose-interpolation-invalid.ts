import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import { valueSpanInSource } from '../compose/scalarSource';
import { substitute, type TemplateError } from '../compose/template';
import type { Rule, ComposeContext } from './rule';
import { outsideScope } from './scope';

/**
 * A value Compose refuses to interpolate (compose-go template.Substitute): an invalid `${...}`, or a required
 * variable (`${VAR:?message}`) that `.env` sets empty. compose-go's wording. The language server and the CLI
 * know `.env`, not the shell that will run `docker compose`, so a variable `.env` does not set may still be
 * exported there: such a variable, and anything decided by it (a default used only when it is unset), gets no
 * finding. Every string value of the file is checked, extensions (`x-...`) included, keys never, as Compose does.
 */
export const rule: Rule = {
  meta: {
    id: 'compose-interpolation-invalid',
    defaultSeverity: 'error',
    title: 'A value Compose refuses to interpolate: an invalid ${...} or a required variable .env sets empty',
    appliesTo: ['compose'],
    fixable: false,
  },
  compose(ctx) {
    walk(ctx, ctx.file.doc.contents, '');
  },
};

/** The nodes as written (aliases not followed: an anchor's values are checked once, where they are). */
function walk(ctx: ComposeContext, node: unknown, path: string): void {
  if (outsideScope(ctx.scope, node)) return;
  if (isScalar(node)) check(ctx, node, path);
  else if (isMap(node)) {
    for (const pair of node.items) walk(ctx, pair.value, childPath(path, isScalar(pair.key) ? String(pair.key.value) : ''));
  } else if (isSeq(node)) {
    for (const item of node.items) walk(ctx, item, childPath(path, '[]'));
  }
}

function childPath(path: string, part: string): string {
  return path ? `${path}.${part}` : part;
}

function check(ctx: ComposeContext, node: Scalar, path: string): void {
  const value = node.value;
  if (typeof value !== 'string' || !value.includes('$')) return;
  const env = ctx.file.dotEnv;
  const result = substitute(value, (name) => env.get(name), { isKnown: (name) => env.has(name) });
  const error = result.errors.find((e) => e.certain);
  if (!error) return;
  const span = valueSpanInSource(ctx.file.text, node, error.start, error.end);
  if (span) ctx.report({ span, message: messageFor(error, path) });
}

function messageFor(error: TemplateError, path: string): string {
  if (error.kind === 'invalid') return `invalid interpolation format for ${path}. You may need to escape any $ with another $.`;
  // The message as written: compose-go substitutes variables into it, whose values a finding does not show.
  const reason = error.rawReason ? `: ${error.rawReason}` : '';
  return (
    `error while interpolating ${path}: required variable ${error.variable} is missing a value${reason}. ` +
    `.env sets ${error.variable} empty: Compose stops here unless the shell exports it.`
  );
}
