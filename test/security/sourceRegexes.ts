/**
 * Every regular expression written in server/src, read from the source with the TypeScript parser: the literals,
 * and `new RegExp(...)` whose arguments are constants of the same file (`String.raw` templates of file-level
 * constants included). What cannot be evaluated so is listed in `dynamic`, for a test to account for by hand.
 * Plus `pumps`: strings that make a backtracking pattern do the most work (a piece of what it matches, repeated).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { cpuMs } from './cpuTime';

export interface SourceRegex {
  /** Repository-relative file and 1-based line. */
  where: string;
  regex: RegExp;
}

export function sourceRegexes(root: string): { regexes: SourceRegex[]; dynamic: string[] } {
  const regexes: SourceRegex[] = [];
  const dynamic: string[] = [];
  for (const file of tsFiles(join(root, 'server', 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const consts = fileConstants(source);
    const where = (node: ts.Node) => `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text;
        const slash = text.lastIndexOf('/');
        regexes.push({ where: where(node), regex: new RegExp(text.slice(1, slash), text.slice(slash + 1)) });
      } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
        const args = (node.arguments ?? []).map((a) => evaluate(a, consts));
        if (args.length && args.every((a) => a !== undefined)) regexes.push({ where: where(node), regex: new RegExp(args[0]!, args[1]) });
        else dynamic.push(where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { regexes, dynamic };
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `const NAME = <expression>` at the top level of the file. */
function fileConstants(source: ts.SourceFile): Map<string, ts.Expression> {
  const consts = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
  }
  return consts;
}

/** The string value of a constant expression: literals, templates (`String.raw` ones raw), `+`, file constants. */
function evaluate(node: ts.Expression, consts: Map<string, ts.Expression>, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  const again = (n: ts.Expression) => evaluate(n, consts, depth + 1);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isIdentifier(node)) {
    const value = consts.get(node.text);
    return value ? again(value) : undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [left, right] = [again(node.left), again(node.right)];
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'String.raw') {
    const template = node.template;
    if (ts.isNoSubstitutionTemplateLiteral(template)) return template.rawText;
    let out = template.head.rawText ?? '';
    for (const span of template.templateSpans) {
      const value = again(span.expression);
      if (value === undefined) return undefined;
      out += value + (span.literal.rawText ?? '');
    }
    return out;
  }
  return undefined;
}

const CLASS_MEMBER: Record<string, string> = { s: ' ', S: 'a', d: '1', D: 'a', w: 'a', W: '-', n: '\n', r: '\r', t: '\t', b: '', B: '' };

/**
 * One string the pattern roughly matches: each class becomes one member (a negated class one non-member),
 * quantifiers, anchors and group syntax are dropped. Pieces of it, repeated, are what makes a backtracking
 * pattern retry (`${A:-` 10,000 times with no `}`; `-acacac…!`).
 */
export function sampleOf(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const e = source[++i] ?? '';
      out += CLASS_MEMBER[e] ?? e;
    } else if (c === '[') {
      let j = i + 1;
      const negated = source[j] === '^';
      if (negated) j++;
      let members = '';
      for (; j < source.length && source[j] !== ']'; j++) members += source[j] === '\\' ? CLASS_MEMBER[source[++j] ?? ''] ?? source[j] : source[j];
      i = j;
      out += negated ? ['a', 'x', '~', '0'].find((m) => !members.includes(m)) ?? '' : members.replace(/^-/, '')[0] ?? '';
    } else if (c === '(' && source[i + 1] === '?') {
      // `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`: skip the syntax, keep the contents.
      i += source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!' ? source.indexOf('>', i) - i : source[i + 2] === '<' ? 3 : 2;
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i, i + 12))) {
      i = source.indexOf('}', i);
    } else if (!'()|?*+^$'.includes(c)) {
      out += c === '.' ? 'a' : c;
    }
  }
  return out || 'a';
}

/** Runs the pattern over the whole text the way the server does (every match of a global one); milliseconds. */
function timeRegex(regex: RegExp, text: string): number {
  return cpuMs(() => {
    regex.lastIndex = 0;
    if (regex.global) text.replace(regex, '');
    else regex.test(text);
    regex.lastIndex = 0;
  });
}

/**
 * Whether the regex runs on `text` within `boundMs`, judged by the fastest of three tries: a garbage collection or a
 * busy machine can stretch one run (CPU time, so other processes' turns do not count), never all three, while a super-linear pattern is slow every time.
 */
export function regexRunsWithin(regex: RegExp, text: string, boundMs: number): boolean {
  for (let tries = 0; tries < 3; tries++) if (timeRegex(regex, text) < boundMs) return true;
  return false;
}
