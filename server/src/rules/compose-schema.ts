import { isScalar } from 'yaml';
import type { MapNode, Origin, ProjectNode } from '../compose/project/tree';
import { isDeduplicatedByCompose } from '../compose/project/unicity';
import { fileInstance, placeOf, servicesInstance, type Place, type SchemaInstance, type WrittenService } from '../compose/schema/schemaInstance';
import { keysAt, takesNamesAt, valuesAt } from '../compose/schema/schemaLookup';
import { schemaProblems, type SchemaProblem } from '../compose/schema/schemaProblems';
import { replaceScalar } from '../compose/edits';
import { closestWord } from '../core/editDistance';
import type { Span, SpanFix } from '../core/types';
import { standsAlone } from './compose-reference-undefined';
import type { ComposeContext, Rule } from './rule';

/**
 * The compose-spec JSON schema that Docker Compose v2 validates every file with (compose-go e70e961
 * `schema/compose-spec.json`, vendored in compose/schema/ with the validator compiled from it at build time),
 * checked on the file as compose-go's loader reads it (loader/loader.go loadYamlFile: after `!reset`/`!override`,
 * merge keys and type casts; compose/schema/schemaInstance.ts). Each problem is reported at the key or value it is
 * about, in words (compose/schema/schemaProblems.ts collapses a `oneOf`'s branches into one problem per place).
 *
 * Left to other rules or to Compose's later steps, never reported twice:
 * - a file that does not parse (`yaml-syntax`; compose-go stops there too);
 * - values holding `$`: Compose interpolates them from the shell before validating, so only their type is known;
 * - what another file of the project may supply: compose-go validates an override merged over the files before
 *   it, so in a fragment (compose.override.yaml, a service with no image, build or extends) and in a service that
 *   `extends` another, a missing required key is not reported;
 * - repeats in lists compose-go de-duplicates before validating (`ports`, `volumes`, `environment` …);
 * - healthcheck durations and `retries` (`healthcheck-timing-invalid`), a device reservation without `capabilities`
 *   (`gpu-capabilities-missing`), while those rules are on.
 * A file of several YAML documents is checked one document at a time; a document that is not a map (an empty one
 * after a trailing `---`) is reported under this rule's id by analysis/documentAnalysis.ts, which sees them all.
 */
export const rule: Rule = {
  meta: {
    id: 'compose-schema',
    defaultSeverity: 'error',
    title: 'A key or value the Compose schema refuses: an unknown key, a wrong type, a value not in the list',
    appliesTo: ['compose'],
    fixable: true,
    silentOnSyntaxErrors: true,
  },
  compose(ctx) {
    if (ctx.file.syntaxErrors.length || !ctx.file.root) return;
    const instance = ctx.scope ? servicesInstance(ctx.file.doc, ctx.file.lines, checkedServices(ctx)) : fileInstance(ctx.file.doc, ctx.file.lines);
    if (!instance) return;
    // Whether the file is a fragment of a project: asked only when the schema misses a required key.
    let fragment: boolean | undefined;
    const isFragment = () => (fragment ??= !standsAlone(ctx.file, ctx.options));
    const reported = new Set<string>();
    const report = (span: Span, message: string, fixes: SpanFix[] = []) => {
      const key = `${span.start}:${span.end}:${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report({ span, message, fixes });
    };
    const castAt = new Set(instance.castFailures.map((f) => f.pointer));
    for (const failure of instance.castFailures) {
      const place = placeOf(instance, failure.pointer);
      if (!place || coveredElsewhere(ctx, place.steps.map((s) => s.part))) continue;
      report(valueSpan(place), `${quoted(place)} must be ${CAST_WORDS[failure.expected]}: Compose converts it and refuses the file (${failure.reason}).`);
    }
    for (const problem of schemaProblems(instance)) {
      if (castAt.has(problem.pointer)) continue;
      const place = placeOf(instance, problem.pointer);
      if (!place || skipped(ctx, problem, place, isFragment, instance)) continue;
      const finding = describe(problem, place, ctx.file.text);
      if (finding) report(finding.span, finding.message, finding.fixes);
    }
  },
};

/** The services an incremental run re-checks, from the run's own model of them. */
function checkedServices(ctx: ComposeContext): WrittenService[] {
  return ctx.services.map(({ service }) => ({ name: service.name, keyAt: [service.keyAt.start, service.keyAt.end], value: service.map.node }));
}

const CAST_WORDS = { boolean: 'true or false', integer: 'a whole number', number: 'a number' } as const;

/** Problems that are not certain for this file alone, or that another rule reports at the same place. */
function skipped(ctx: ComposeContext, problem: SchemaProblem, place: Place, isFragment: () => boolean, instance: SchemaInstance): boolean {
  const path = place.steps.map((s) => s.part);
  if (problem.kind === 'required') {
    if (isFragment() || extendsAnother(instance, path)) return true;
    if (problem.missing === 'capabilities' && isDeviceReservation(place)) return enabled(ctx, 'gpu-capabilities-missing');
  }
  if (problem.kind === 'duplicate' && isDeduplicatedByCompose(path)) return true;
  return coveredElsewhere(ctx, path);
}

/** `services.*.healthcheck.{durations,retries}`: healthcheck-timing-invalid reads these values and says what is wrong. */
function coveredElsewhere(ctx: ComposeContext, path: readonly string[]): boolean {
  return path.length === 4 && path[0] === 'services' && path[2] === 'healthcheck' && HEALTHCHECK_TIMING.has(path[3]!) && enabled(ctx, 'healthcheck-timing-invalid');
}

const HEALTHCHECK_TIMING = new Set(['interval', 'timeout', 'start_period', 'start_interval', 'retries']);

function isDeviceReservation(place: Place): boolean {
  const p = place.steps.map((s) => s.part);
  return p.length === 7 && p[0] === 'services' && p.slice(2, 6).join('.') === 'deploy.resources.reservations.devices';
}

function extendsAnother(instance: SchemaInstance, path: readonly string[]): boolean {
  if (path[0] !== 'services' || path.length < 2) return false;
  const services = instance.tree.entries.get('services')?.value;
  const service = services?.kind === 'map' ? services.entries.get(path[1]!)?.value : undefined;
  return service?.kind === 'map' && service.entries.has('extends');
}

function enabled(ctx: ComposeContext, rule: string): boolean {
  return ctx.options.rules?.[rule] !== 'off';
}

interface Described {
  span: Span;
  message: string;
  fixes?: SpanFix[];
}

function describe(problem: SchemaProblem, place: Place, text: string): Described | undefined {
  const schemaPath = place.steps.map((s) => (s.index ? '[]' : s.part));
  switch (problem.kind) {
    case 'unknown-key':
      return unknownKey(problem.key, place, schemaPath);
    case 'type': {
      const expected = alternatives([...problem.values.map((v) => code(String(v))), ...typeWords(problem.types)]);
      // `environment:` with nothing under it is null: said at the key, the value has no text to underline.
      if (place.node.kind === 'scalar' && place.node.value === null) return { span: keySpan(place), message: `${code(label(place))} is empty: it must be ${expected}.` };
      if (place.node.kind === 'scalar' && DURATIONS.has(last(place)) && problem.types.includes('string')) return durationProblem(place);
      return {
        span: place.node.kind === 'scalar' ? valueSpan(place) : keySpan(place),
        message: `${place.node.kind === 'scalar' ? quoted(place) : code(label(place))} must be ${expected}.`,
        // Only where a string is the one form (`user`, `version`): where a list is allowed too (`command`), quoting
        // is a guess, and other rules' fixes edit such values.
        fixes: problem.types.length === 1 && problem.types[0] === 'string' && !problem.values.length ? quoteFix(place, text) : [],
      };
    }
    case 'enum': {
      const written = place.node.kind === 'scalar' ? String(place.node.value) : '';
      const suggestion = closest(written, problem.values.map(String));
      const edit = suggestion !== undefined ? replaceScalar(place.node.origin.node, suggestion) : undefined;
      return {
        span: valueSpan(place),
        message: `${quoted(place)} must be one of ${problem.values.map(String).join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        fixes: edit && suggestion ? [{ title: `Change to ${suggestion}`, preferred: true, edits: [edit] }] : [],
      };
    }
    case 'required': {
      const values = valuesAt(schemaPath, problem.missing).map(String);
      return {
        span: keySpan(place),
        message: `${code(label(place))} needs \`${problem.missing}\`${values.length ? `: one of ${values.join(', ')}` : ''}.`,
      };
    }
    case 'range':
      return { span: valueSpan(place), message: `${quoted(place)} must be ${RANGE_WORDS[problem.comparison] ?? problem.comparison} ${problem.limit}.` };
    case 'pattern':
      return { span: valueSpan(place), message: `${quoted(place)} ${PATTERN_WORDS[last(place)] ?? `does not match the form Compose expects (\`${problem.pattern}\`)`}.` };
    case 'duplicate': {
      const list = place.node.kind === 'seq' ? place.node.items[problem.index] : undefined;
      if (!list) return undefined;
      return { span: spanOf(list.origin), message: `${code(label(place))} lists ${code(plain(list))} twice: Compose refuses repeated entries here.` };
    }
    case 'ambiguous':
      return { span: keySpan(place), message: `${code(label(place))} fits more than one of the forms Compose allows here.` };
  }
}

/** The keys whose strings are durations (compose-spec.json: `30s`, `1m30s`): a bare number there has no unit. */
const DURATIONS = new Set(['interval', 'timeout', 'start_period', 'start_interval', 'stop_grace_period', 'delay', 'monitor', 'window']);

function durationProblem(place: Place): Described {
  const value = place.node.kind === 'scalar' ? place.node.value : undefined;
  const seconds = typeof value === 'number' && Number.isInteger(value) && value > 0 ? `${value}s` : undefined;
  const edit = seconds ? replaceScalar(place.node.origin.node, seconds) : undefined;
  return {
    span: valueSpan(place),
    message: `${quoted(place)} must be a duration with a unit, such as \`30s\` or \`1m30s\`.`,
    fixes: edit && seconds ? [{ title: `Use ${seconds}`, preferred: true, edits: [edit] }] : [],
  };
}

/** `user: 1000`, `version: 3.8`: a number or boolean where a string is needed, written in quotes. */
function quoteFix(place: Place, text: string): SpanFix[] {
  const node = place.node.origin.node;
  if (place.node.kind !== 'scalar' || !isScalar(node) || node.type !== 'PLAIN' || place.node.value === null) return [];
  const { start, end } = spanOf(place.node.origin);
  const written = text.slice(start, end);
  return [{ title: `Quote it: "${written}"`, preferred: true, edits: [{ span: { start, end }, newText: JSON.stringify(written) }] }];
}

function unknownKey(key: string, place: Place, schemaPath: string[]): Described | undefined {
  const map = place.node as MapNode;
  const entry = map.entries.get(key);
  if (!entry) return undefined;
  const span = spanOf(entry.keyOrigin);
  if (takesNamesAt(schemaPath)) {
    return { span, message: `${code(key)} is not a valid ${nameNoun(place)}: Compose allows only letters, digits, \`.\`, \`_\` and \`-\`.` };
  }
  const allowed = keysAt(schemaPath);
  const suggestion = closest(key, allowed);
  const edit = suggestion !== undefined && !map.entries.has(suggestion) ? replaceScalar(entry.keyOrigin.node, suggestion) : undefined;
  const hint = suggestion ? ` Did you mean \`${suggestion}\`?` : allowed.length && allowed.length <= 8 ? ` Allowed: ${allowed.map(code).join(', ')}.` : '';
  return {
    span,
    message: `${code(key)} is not ${keyNoun(place)}.${hint}`,
    fixes: edit && suggestion ? [{ title: `Rename to ${suggestion}`, preferred: true, edits: [edit] }] : [],
  };
}

const SECTION_NOUNS: Record<string, string> = { services: 'service', networks: 'network', volumes: 'volume', secrets: 'secret', configs: 'config', models: 'model' };

function keyNoun(place: Place): string {
  const p = place.steps;
  if (p.length === 0) return 'a top-level Compose key (extensions start with `x-`)';
  if (p.length === 2 && !p[1]!.index && SECTION_NOUNS[p[0]!.part]) return `a ${SECTION_NOUNS[p[0]!.part]} attribute`;
  return `allowed in ${code(label(place))}`;
}

function nameNoun(place: Place): string {
  const p = place.steps;
  if (p.length === 1 && SECTION_NOUNS[p[0]!.part]) return `${SECTION_NOUNS[p[0]!.part]} name`;
  return `name in ${code(label(place))}`;
}

const RANGE_WORDS: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'above', '<': 'below' };

const PATTERN_WORDS: Record<string, string> = {
  pull_policy: 'is not a pull policy: use always, never, missing, build, if_not_present, refresh, daily, weekly or every_<duration> (e.g. every_12h)',
  container_name: 'is not a valid container name: it needs a letter or digit followed by letters, digits, `_`, `.` or `-`',
};

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

function typeWords(types: readonly string[]): string[] {
  // `integer` is a kind of `number`: one word for both.
  const list = types.includes('number') ? types.filter((t) => t !== 'integer') : types;
  return list.map((t) => TYPE_WORDS[t] ?? t);
}

function alternatives(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Where the finding goes: the path below the service (`deploy.resources`), or from the top for other sections. */
function label(place: Place): string {
  const steps = place.steps[0]?.part === 'services' && place.steps.length > 2 ? place.steps.slice(2) : place.steps;
  return steps.reduce((out, s) => (s.index ? `${out}[${s.part}]` : out ? `${out}.${s.part}` : s.part), '');
}

function last(place: Place): string {
  return place.steps[place.steps.length - 1]?.part ?? '';
}

/** `key: value` for a value of a map, `list[0]: value` for an item. */
function quoted(place: Place): string {
  const value = place.node.kind === 'scalar' ? plain(place.node) : '';
  return code(value ? `${label(place)}: ${value}` : label(place));
}

function plain(node: ProjectNode): string {
  if (node.kind !== 'scalar') return node.kind === 'map' ? '{…}' : '[…]';
  const text = node.value === null ? 'null' : String(node.value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function spanOf(origin: Origin): Span {
  return { start: origin.range[0], end: origin.range[1] };
}

function valueSpan(place: Place): Span {
  return spanOf(place.node.origin);
}

/** The key that holds the node; for a list item, its first key, else the item itself. */
function keySpan(place: Place): Span {
  if (place.entry) return spanOf(place.entry.keyOrigin);
  const first = place.node.kind === 'map' ? place.node.entries.values().next().value : undefined;
  return first ? spanOf(first.keyOrigin) : valueSpan(place);
}

/** The one candidate within a typo's distance: one edit for a word of up to four letters, two above. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestWord(word, candidates, word.length <= 4 ? 1 : 2);
}
