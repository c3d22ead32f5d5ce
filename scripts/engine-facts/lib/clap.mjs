// What clap 4's derive makes of a `#[derive(Parser)] struct`: each field's long and short flag, env var, action,
// default, possible values and whether it is required, following clap_derive's rules (read in clap-rs/clap v4.5.32:
// clap_derive/src/item.rs, clap_derive/src/derives/args.rs, clap_builder/src/builder/action.rs):
// - `long` without a value: the field name in kebab-case; `long = "x"`: --x.
// - `short` without a value: the first character of the kebab-case name; `short = 'x'`: -x.
// - `env` without a value: the field name in SCREAMING_SNAKE_CASE; `env = "X"`: X.
// - action by type when not given: bool → SetTrue (a flag taking no value), Vec<T>/Option<Vec<T>> → Append,
//   anything else → Set. Value parser: bool → BoolValueParser ("true"/"false" only), a ValueEnum → its names.
// - required: a plain type (not Option, Vec or bool) with no default.
import { docToHelp, findItem, matchBracket, literalValue, parseAttribute, splitMembers, toKebab, toScreamingSnake, casing, lineAt } from './rust.mjs';

/** The fields of `struct NAME` in `text`, with their clap attributes merged. */
export function parseClapStruct(text, name = 'Args') {
  const item = findItem(text, 'struct', name);
  if (!item) return null;
  const fields = [];
  for (const member of splitMembers(item.body, item.bodyOffset, text)) {
    const m = /^(?:pub(?:\([^)]*\))?\s+)?([a-z_][a-z0-9_]*)\s*:\s*([\s\S]+)$/.exec(member.text);
    if (!m) continue;
    const attrs = member.attrs.map(parseAttribute);
    const clapItems = attrs.filter((a) => a.name === 'clap' || a.name === 'arg').flatMap((a) => a.items);
    const cfg = attrs.filter((a) => a.name === 'cfg').map((a) => a.inner);
    const command = attrs.filter((a) => a.name === 'command').flatMap((a) => a.items);
    fields.push({
      field: m[1],
      type: m[2].replace(/\s+/g, ' ').trim(),
      line: member.line,
      docs: member.docs,
      items: clapItems,
      cfg,
      command: command.map((i) => i.key),
      otherAttrs: attrs.filter((a) => !['clap', 'arg', 'cfg', 'command'].includes(a.name)).map((a) => a.raw),
    });
  }
  return { line: item.line, fields };
}

/** Option<T> / Vec<T> / Option<Vec<T>> / bool / other, and the inner type T. */
export function typeShape(type) {
  const t = type.replace(/\s+/g, '');
  let m;
  if ((m = /^Option<Vec<(.+)>>$/.exec(t))) return { shape: 'OptionVec', inner: m[1] };
  if ((m = /^Vec<(.+)>$/.exec(t))) return { shape: 'Vec', inner: m[1] };
  if ((m = /^Option<Option<(.+)>>$/.exec(t))) return { shape: 'OptionOption', inner: m[1] };
  if ((m = /^Option<(.+)>$/.exec(t))) return { shape: 'Option', inner: m[1] };
  if (t === 'bool') return { shape: 'bool', inner: 'bool' };
  return { shape: 'Other', inner: t };
}

const NUMERIC = /^(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64)$/;

/**
 * One field → the facts a linter needs. `resolveEnum(typeName)` returns the ValueEnum's values (or null) when the
 * field's inner type is an enum defined in the engine's source.
 */
export function clapArgFacts(field, resolveEnum = () => null) {
  const get = (key) => field.items.find((i) => i.key === key);
  const has = (key) => field.items.some((i) => i.key === key);
  if (has('skip') || has('flatten') || has('subcommand') || field.command.includes('subcommand') || field.command.includes('flatten')) {
    return null;
  }
  const kebab = toKebab(field.field);
  const longItem = get('long');
  const shortItem = get('short');
  const envItem = get('env');
  const long = longItem ? `--${longItem.value !== undefined ? longItem.value : kebab}` : null;
  const short = shortItem ? `-${shortItem.value !== undefined ? shortItem.value : kebab[0]}` : null;
  const env = envItem ? (envItem.value !== undefined ? envItem.value : toScreamingSnake(field.field)) : null;
  const { shape, inner } = typeShape(field.type);

  const actionItem = get('action');
  let action;
  if (actionItem && actionItem.value !== undefined) action = String(actionItem.value).replace(/^(clap::)?ArgAction::/, '');
  else if (shape === 'Vec' || shape === 'OptionVec') action = 'Append';
  else if (shape === 'bool') action = 'SetTrue';
  else action = 'Set';

  const defaultItem = get('default_value') ?? get('default_value_t') ?? get('default_value_os');
  let defaultValue = null;
  if (defaultItem) {
    defaultValue = defaultItem.key === 'default_value_t' && defaultItem.value === undefined ? '<Default::default()>' : String(defaultItem.value);
  } else if (action === 'SetTrue') defaultValue = 'false';
  else if (action === 'SetFalse') defaultValue = 'true';

  const numArgs = get('num_args')?.raw ?? null;
  let value;
  if (action === 'SetTrue' || action === 'SetFalse' || action === 'Count' || action === 'Help' || action === 'Version') {
    value = numArgs && /^0\s*\.\.=?\s*[1-9]/.test(numArgs) ? 'optional' : 'none';
  } else value = numArgs && /^0\s*\.\./.test(numArgs) ? 'optional' : 'required';

  // What values parse: bool → "true"/"false"; an enum → its names; numbers and strings as typed.
  let possibleValues = null;
  let valueType = inner;
  const enumValues = resolveEnum(inner, has('value_enum'));
  if (inner === 'bool') possibleValues = ['true', 'false'];
  else if (enumValues) possibleValues = enumValues;
  if (NUMERIC.test(inner)) valueType = inner.startsWith('f') ? 'float' : inner.startsWith('u') ? 'unsigned integer' : 'integer';
  else if (inner === 'String' || inner === 'PathBuf' || inner === 'OsString') valueType = 'string';
  else if (inner === 'bool') valueType = 'bool';
  else if (enumValues) valueType = 'choice';

  const requiredItem = get('required');
  const required = requiredItem
    ? requiredItem.value === undefined || requiredItem.value === 'true'
    : shape === 'Other' && !defaultItem && value !== 'none';

  const list = (key) => {
    const i = get(key);
    if (!i) return [];
    const raw = String(i.raw ?? '');
    if (/^\[/.test(raw)) return [...raw.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]);
    return [String(i.value)];
  };
  const hide = get('hide');

  return {
    flag: long,
    short,
    env,
    field: field.field,
    line: field.line,
    rust_type: field.type,
    action,
    value,
    value_type: valueType,
    possible_values: possibleValues,
    value_delimiter: get('value_delimiter') ? String(get('value_delimiter').value) : null,
    repeatable: action === 'Append' || action === 'Count',
    default: defaultValue,
    default_missing_value: get('default_missing_value') ? String(get('default_missing_value').value) : null,
    required,
    positional: !long && !short,
    hidden: hide ? hide.value === undefined || hide.value === 'true' : false,
    aliases: [...list('alias'), ...list('aliases'), ...list('visible_alias'), ...list('visible_aliases')].map((a) => `--${a}`),
    conflicts_with: [...list('conflicts_with'), ...list('conflicts_with_all')].map((f) => `--${toKebab(f)}`),
    requires: list('requires').map((f) => `--${toKebab(f)}`),
    cfg: field.cfg.length ? field.cfg : undefined,
    help: docToHelp(field.docs),
  };
}

/**
 * The names clap accepts for a `#[derive(ValueEnum)]` enum: each variant in kebab-case unless
 * `#[clap(name = "…")]`/`#[value(name = "…")]` or the enum's `rename_all` says otherwise; `skip`ped variants left
 * out. Variants behind `#[cfg(…)]` carry the condition.
 */
export function parseValueEnum(text, name) {
  const item = findItem(text, 'enum', name);
  if (!item) return null;
  const enumAttrs = item.itemAttrs.map(parseAttribute);
  const derives = item.itemAttrs.join(' ');
  if (!/\bValueEnum\b/.test(derives)) return null;
  let rename = toKebab;
  for (const a of enumAttrs) {
    if (a.name !== 'clap' && a.name !== 'value') continue;
    const r = a.items.find((i) => i.key === 'rename_all');
    if (r && casing(r.value)) rename = casing(r.value);
  }
  const values = [];
  for (const member of splitMembers(item.body, item.bodyOffset, text)) {
    const variant = /^([A-Z][A-Za-z0-9_]*)/.exec(member.text)?.[1];
    if (!variant) continue;
    const attrs = member.attrs.map(parseAttribute);
    const items = attrs.filter((a) => a.name === 'clap' || a.name === 'value').flatMap((a) => a.items);
    if (items.some((i) => i.key === 'skip')) continue;
    const nameItem = items.find((i) => i.key === 'name');
    const cfg = attrs.filter((a) => a.name === 'cfg').map((a) => a.inner.replace(/\s+/g, ' ').trim());
    const aliases = items.filter((i) => i.key === 'alias' || i.key === 'aliases').flatMap((i) => [...String(i.raw).matchAll(/"([^"]*)"/g)].map((x) => x[1]));
    values.push({
      name: nameItem ? String(nameItem.value) : rename(variant),
      variant,
      help: docToHelp(member.docs) || undefined,
      cfg: cfg.length ? cfg : undefined,
      aliases: aliases.length ? aliases : undefined,
      hidden: items.some((i) => i.key === 'hide') || undefined,
    });
  }
  return { name, line: item.line, values };
}

/** The long flags a function body puts on another program's command line (string literals "--x"). */
export function flagsPassedIn(text, fnName) {
  const m = new RegExp(`\\bfn\\s+${fnName}\\b`).exec(text);
  if (!m) return null;
  const open = text.indexOf('{', m.index);
  const end = matchBracket(text, open);
  const body = text.slice(open, end);
  return { line: lineAt(text, m.index), flags: [...new Set([...body.matchAll(/"(--[a-z0-9][a-z0-9-]*)"/g)].map((x) => x[1]))] };
}

export { literalValue };
