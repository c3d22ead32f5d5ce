// Environment variables a program reads itself (not through clap's `env`): found in Rust and Python source text.
// Rust: std::env::var / var_os with a literal, with a `let`/`const` bound to a literal, or through a local closure
// that wraps env::var (TEI's `read_env_var("X", default)`); tracing's EnvFilter::try_from_env("X").
// Python: os.getenv / os.environ.get / os.environ["X"] / "X" in os.environ.
// Compile-time env!/option_env! are left out: they are read when the binary is built, not when it runs.
import { lineAt, matchBracket } from './rust.mjs';

const NAME = '[A-Z][A-Z0-9_]*';

/** @returns {{ name: string, line: number, how: string, default?: string }[]} */
export function rustEnvReads(text) {
  const reads = [];
  const push = (name, index, how) => {
    const statementEnd = text.indexOf(';', index);
    const statement = text.slice(index, statementEnd < 0 ? undefined : Math.min(statementEnd, index + 400));
    const def =
      /\.unwrap_or(?:_else)?\(\s*(?:\|_?\|\s*)?"([^"]*)"(?:\.to_string\(\)|\.into\(\)|\.to_owned\(\))?\s*\)/.exec(statement)?.[1] ??
      /\.unwrap_or\(\s*(-?[\d.]+|true|false)\s*\)/.exec(statement)?.[1];
    reads.push({ name, line: lineAt(text, index), how, ...(def !== undefined ? { default: def } : {}) });
  };
  for (const m of text.matchAll(new RegExp(`\\benv::var(_os)?\\(\\s*"(${NAME})"\\s*\\)`, 'g'))) push(m[2], m.index, `std::env::var${m[1] ?? ''}`);
  // env::var(IDENT): a binding to a literal, or a closure parameter.
  for (const m of text.matchAll(/\benv::var(_os)?\(\s*&?([A-Za-z_][A-Za-z0-9_]*)\s*\)/g)) {
    const ident = m[2];
    const bound = new RegExp(`(?:let|const|static)\\s+${ident}\\s*(?::\\s*&(?:'static\\s+)?str)?\\s*=\\s*"(${NAME})"`).exec(text);
    if (bound) {
      push(bound[1], m.index, `std::env::var${m[1] ?? ''}`);
      continue;
    }
    // A closure taking `ident`: its calls with a literal name.
    const before = text.slice(0, m.index);
    const closures = [...before.matchAll(new RegExp(`let\\s+([a-z_][a-z0-9_]*)\\s*=\\s*\\|\\s*${ident}\\s*[:|,]`, 'g'))];
    const closure = closures.at(-1);
    if (closure) {
      const scopeEnd = text.indexOf('\n    }\n', m.index);
      const scope = text.slice(closure.index, scopeEnd < 0 ? undefined : scopeEnd);
      for (const call of scope.matchAll(new RegExp(`\\b${closure[1]}\\(\\s*"(${NAME})"\\s*,\\s*([^)]*)\\)`, 'g'))) {
        reads.push({ name: call[1], line: lineAt(text, closure.index + call.index), how: `std::env::var through ${closure[1]}()`, default: call[2].trim() });
      }
    }
  }
  for (const m of text.matchAll(new RegExp(`EnvFilter::(?:try_)?from_env\\(\\s*"(${NAME})"\\s*\\)`, 'g'))) push(m[1], m.index, 'tracing EnvFilter::try_from_env');
  return dedupe(reads);
}

/** @returns {{ name: string, line: number, how: string, default?: string }[]} */
export function pythonEnvReads(text) {
  const reads = [];
  const re = new RegExp(
    [
      `os\\.(getenv|environ\\.get)\\(\\s*["'](${NAME})["']\\s*(?:,\\s*((?:[^()]|\\([^()]*\\))*?))?\\s*\\)`,
      `os\\.(environ)\\[\\s*["'](${NAME})["']\\s*\\]`,
      `["'](${NAME})["']\\s+(not\\s+)?in\\s+os\\.environ`,
    ].join('|'),
    'g',
  );
  for (const m of text.matchAll(re)) {
    if (m[2]) {
      const def = m[3] === undefined ? undefined : m[3].trim().replace(/^(["'])(.*)\1$/, '$2');
      reads.push({ name: m[2], line: lineAt(text, m.index), how: `os.${m[1]}`, ...(def !== undefined && def !== 'None' ? { default: def } : {}) });
    }
    else if (m[5]) reads.push({ name: m[5], line: lineAt(text, m.index), how: 'os.environ[...]' });
    else if (m[6]) reads.push({ name: m[6], line: lineAt(text, m.index), how: 'in os.environ' });
  }
  return dedupe(reads);
}

function dedupe(reads) {
  const seen = new Set();
  return reads
    .sort((a, b) => a.line - b.line)
    .filter((r) => {
      const key = `${r.name}:${r.line}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The variables a Rust program sets for a child process: `envs.push(("X".into(), …))` and `.env("X", …)`. */
export function rustEnvSetForChild(text) {
  const out = [];
  for (const m of text.matchAll(new RegExp(`\\(\\s*"(${NAME})"\\.into\\(\\)\\s*,`, 'g'))) {
    const close = matchBracket(text, m.index);
    const value = text.slice(m.index + m[0].length, close).replace(/\s+/g, ' ').trim().replace(/,$/, '');
    const literal = /^"([^"]*)"\.into\(\)$/.exec(value)?.[1];
    out.push({ name: m[1], line: lineAt(text, m.index), value: literal ?? value });
  }
  for (const m of text.matchAll(new RegExp(`\\.env\\(\\s*"(${NAME})"\\s*,\\s*([^)]*)\\)`, 'g'))) {
    out.push({ name: m[1], line: lineAt(text, m.index), value: m[2].trim() });
  }
  for (const m of text.matchAll(new RegExp(`retain\\(\\|\\(name, _\\)\\|\\s*name\\s*!=\\s*"(${NAME})"\\)`, 'g'))) {
    out.push({ name: m[1], line: lineAt(text, m.index), value: null, removed: true });
  }
  for (const m of text.matchAll(new RegExp(`std::env::set_var\\(\\s*"(${NAME})"\\s*,\\s*([^)]*)\\)`, 'g'))) {
    out.push({ name: m[1], line: lineAt(text, m.index), value: m[2].trim(), own_process: true });
  }
  return out.sort((a, b) => a.line - b.line);
}
