import { removeEntry } from '../compose/edits';
import type { EnvEntry, ServiceInfo } from '../compose/service';
import type { ComposeContext, Rule } from './rule';
import type { SpanFix } from '../core/types';

/**
 * compose-go reads the list form of `environment:` into a map item by item (types/mapping.go
 * `MappingWithEquals.DecodeMapstructure`, e70e961): a name given twice keeps its last value, without a word.
 * The map form is different: a key written twice is a YAML duplicate that Compose refuses to load
 * ("mapping key ... already defined", loader/reset.go), so only the list form is checked here.
 */
export const rule: Rule = {
  meta: {
    id: 'env-duplicate-key',
    defaultSeverity: 'warning',
    title: 'The same variable is set twice in `environment:`',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const own = info.env.filter((e) => e.form === 'list' && e.item !== undefined);
      own.forEach((env, i) => {
        const later = own.slice(i + 1).filter((e) => e.name === env.name);
        const winner = later[later.length - 1];
        if (!winner) return;
        const line = ctx.file.lines.lineOf(winner.nameSpan.start) + 1;
        const same = winner.value === env.value;
        ctx.report({
          span: env.nameSpan,
          message:
            `${env.name} is set again on line ${line} of service "${info.service.name}", and Compose keeps the last one: ` +
            (same ? 'this entry repeats the same value. Remove it.' : `this entry is ignored (the value in effect is the one on line ${line}). Remove the one you do not mean.`),
          fixes: fixesFor(ctx, info, env),
        });
      });
    }
  },
};

/** Removing an entry that a later one overrides changes nothing Compose passes to the container. */
function fixesFor(ctx: ComposeContext, info: ServiceInfo, env: EnvEntry): SpanFix[] {
  if (!info.environment || !env.item) return [];
  const edit = removeEntry(ctx.file, info.environment, env.item);
  return edit ? [{ title: `Remove this ${env.name} (the later one wins)`, preferred: true, edits: [edit] }] : [];
}
