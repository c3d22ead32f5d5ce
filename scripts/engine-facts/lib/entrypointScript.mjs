// What an image's entrypoint shell script does with the container's arguments: which program it ends in, and
// whether it passes the arguments on as they are ("$@": one argument stays one argument) or unquoted ($@ or $*: the
// shell splits each argument at whitespace and expands globs, so a Compose list item "--port 8080" becomes two
// arguments, as if written separately). Also the environment variables the script itself reads or exports.

/** @returns {{ shell: string|null, launches: object[], args_word_split: boolean|null, reads_env: string[], exports: object[] }} */
export function entrypointScriptFacts(text) {
  const lines = text.split('\n');
  const shell = /^#!\s*(\S+(?:\s+\S+)?)/.exec(lines[0] ?? '')?.[1] ?? null;
  const launches = [];
  const assigned = new Set();
  const exports = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    for (const m of line.matchAll(/(?:^|[\s;])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)) {
      assigned.add(m[1]);
      if (/^export\s/.test(line.slice(m.index).trim()) || /(?:^|\s)export\s+$/.test(line.slice(0, m.index + 1))) {
        exports.push({ name: m[1], value: m[2].replace(/^["']|["']$/g, ''), line: i + 1 });
      }
    }
    // A line that hands the script's arguments to a program.
    const args = /("\$@"|"\$\*"|\$@|\$\*|"\$\{@\}"|\$\{@\})/.exec(line);
    if (args && !/^\s*(if|elif|\[\[|\[|case|for|while)\b/.test(line)) {
      const m = /^(exec\s+)?(\S+)(.*)$/.exec(line);
      if (m) {
        launches.push({
          line: i + 1,
          exec: !!m[1],
          program: m[2],
          as_written: line,
          args_quoted: /"\$@"|"\$\{@\}"/.test(line),
        });
      }
    }
    // A fixed command line with no arguments passed on (SageMaker's `text-generation-launcher --port 8080`).
    if (!args && /^(exec\s+)?[\w./-]*(launcher|router|server)[\w-]*(\s|$)/.test(line)) {
      launches.push({ line: i + 1, exec: /^exec\s/.test(line), program: line.replace(/^exec\s+/, '').split(/\s+/)[0], as_written: line, args_quoted: null, ignores_arguments: true });
    }
  });
  // Variables the script reads from its environment: referenced, never assigned by the script itself.
  for (const m of text.matchAll(/\bread\s+(?:-\w+\s+)*((?:[A-Za-z_][A-Za-z0-9_]*\s*)+)/g)) for (const n of m[1].split(/\s+/)) if (n) assigned.add(n);
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?=/g)) assigned.add(m[1]);
  const reads = new Set();
  for (const m of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) if (!assigned.has(m[1])) reads.add(m[1]);
  for (const name of ['PATH', 'LD_LIBRARY_PATH', 'BASH_SOURCE']) reads.delete(name);
  const passing = launches.filter((l) => l.args_quoted !== null);
  const last = passing.at(-1);
  return {
    shell,
    launches,
    args_word_split: last ? !last.args_quoted : null,
    reads_env: [...reads].sort(),
    exports,
  };
}
