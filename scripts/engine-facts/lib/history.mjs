// Flags across an engine's releases: the clap struct read at every release tag, so each flag gets the first release
// that had it, removed flags the last release that had them, and changed defaults the release that changed them.
// For engines without such a struct, names that left a file along its git history (removalsAlongHistory).
import { clapArgFacts, parseClapStruct } from './clap.mjs';

/**
 * @param {ReturnType<import('./git.mjs').openRepo>} repo
 * @param {string[]} tags release tags, oldest first
 * @param {(tag: string) => string|null} fileAt the source holding the struct at a tag (null when absent)
 * @param {string} structName
 */
export function flagHistory(repo, tags, fileAt, structName = 'Args') {
  const perTag = [];
  for (const tag of tags) {
    const text = fileAt(tag);
    if (!text) continue;
    const parsed = parseClapStruct(text, structName);
    if (!parsed) continue;
    const flags = new Map();
    for (const field of parsed.fields) {
      const f = clapArgFacts(field);
      if (f?.flag) flags.set(f.flag, { env: f.env, default: f.default, short: f.short, hidden: f.hidden });
    }
    perTag.push({ tag, flags });
  }
  return perTag;
}

/** Annotates `current` flags (from the commit read) with release history; returns removed flags too. */
export function annotateWithHistory(current, perTag, { lastTag, headIsTag }) {
  const firstTag = perTag[0]?.tag ?? null;
  const later = (tag) => perTag[perTag.findIndex((p) => p.tag === tag) + 1]?.tag ?? null;
  for (const f of current) {
    if (!f.flag) continue;
    const seen = perTag.filter((p) => p.flags.has(f.flag));
    if (seen.length === 0) f.added_in = headIsTag ? lastTag : `unreleased (after ${lastTag})`;
    else f.added_in = seen[0].tag === firstTag ? `${firstTag} or earlier` : seen[0].tag;
    // Defaults as each release had them, where they changed.
    const changes = [];
    let prev;
    for (const p of seen) {
      const d = p.flags.get(f.flag).default;
      if (d !== prev) changes.push({ release: p.tag, default: d });
      prev = d;
    }
    if (!headIsTag && seen.length && prev !== f.default) changes.push({ release: `unreleased (after ${lastTag})`, default: f.default });
    if (changes.length > 1) f.default_history = changes;
    const envs = [...new Set(seen.map((p) => p.flags.get(f.flag).env))];
    if (envs.length > 1 || (envs.length === 1 && envs[0] !== f.env)) f.env_history = seen.map((p) => ({ release: p.tag, env: p.flags.get(f.flag).env })).filter((x, i, a) => i === 0 || a[i - 1].env !== x.env);
  }
  const currentFlags = new Set(current.map((f) => f.flag));
  const removed = [];
  const everSeen = new Map();
  for (const p of perTag) for (const [flag, info] of p.flags) if (!everSeen.has(flag)) everSeen.set(flag, { first: p.tag, info });
  for (const [flag, { first }] of everSeen) {
    if (currentFlags.has(flag)) continue;
    const seen = perTag.filter((p) => p.flags.has(flag));
    const last = seen.at(-1);
    removed.push({
      flag,
      env: last.flags.get(flag).env,
      first_release: first === firstTag ? `${firstTag} or earlier` : first,
      last_release: last.tag,
      removed_in: later(last.tag) ?? `unreleased (after ${lastTag})`,
      last_default: last.flags.get(flag).default,
    });
  }
  return removed;
}

/** `date` (YYYY-MM-DD) moved back `years` calendar years, as `git log --since` takes it. */
export function yearsBefore(date, years = 2) {
  return `${Number(date.slice(0, 4)) - years}${date.slice(4)}`;
}

/**
 * Names (flags, env vars) that left `path` along its history: each version of the file from `since` up to `rev` is
 * read (`namesOf(text)` gives its names; text is null where the file is absent) and compared with the one before.
 * Returns `removals`: for every name absent from the last version read, the last commit that removed it
 * { sha, date, subject, gone (the names that commit removed), added (those it added), before (the file's text just
 * before) } (a name that came back later is not listed); and `commits`, how many versions the window holds. `skip(cur, prev, commit)` passes over a version (one that did
 * not parse, say): it neither removes nor adds names.
 * @param {ReturnType<import('./git.mjs').openRepo>} repo
 * @param {(text: string|null) => Set<string>} namesOf
 * @param {{ since?: string, firstParent?: boolean, skip?: (cur: Set<string>, prev: Set<string>, commit: object) => boolean }} [options]
 */
export function removalsAlongHistory(repo, rev, path, namesOf, { since, firstParent = false, skip = () => false } = {}) {
  const log = repo.commitsTouching(rev, path, { since, firstParent });
  const removals = new Map();
  if (!log.length) return { removals, commits: 0 };
  let prevText = repo.show(`${log[0].sha}^`, path);
  let prev = namesOf(prevText);
  for (const c of log) {
    const text = repo.show(c.sha, path);
    const cur = namesOf(text);
    if (skip(cur, prev, c)) continue;
    const gone = [...prev].filter((n) => !cur.has(n));
    const added = [...cur].filter((n) => !prev.has(n));
    for (const n of gone) removals.set(n, { ...c, gone, added, before: prevText });
    prev = cur;
    prevText = text;
  }
  for (const n of prev) removals.delete(n); // came back
  return { removals, commits: log.length };
}

/** `commit <sha> (<date>) "<subject>"`, with the PR number the subject names. */
export function removalEvidence({ sha, date, subject }) {
  const pr = subject.match(/#(\d+)/);
  return `commit ${sha.slice(0, 9)} (${date}) "${subject}"${pr ? ` / PR #${pr[1]}` : ''}`;
}
