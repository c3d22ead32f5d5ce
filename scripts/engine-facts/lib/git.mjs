// Read-only access to an upstream snapshot with git: files at a commit, release tags, the commit's date and
// `git describe`. The extract scripts never check a snapshot out, build or run it: they read its text.
import { execFileSync } from 'node:child_process';

/** @param {string} gitDir a bare git directory (a `fetch` snapshot) or a work tree */
export function openRepo(gitDir) {
  const git = (args, opts = {}) =>
    execFileSync('git', ['--git-dir', gitDirOf(gitDir), ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', opts.quiet ? 'ignore' : 'pipe'],
    });
  const tryGit = (args) => {
    try {
      return git(args, { quiet: true });
    } catch {
      return null;
    }
  };
  return {
    /** Any git command (`repo.git('log', …)`): its stdout; throws when git exits non-zero. */
    git: (...args) => git(args),
    /** The file's text at `rev`, or null when the path is not in that tree. */
    show: (rev, path) => tryGit(['show', `${rev}:${path}`]),
    resolve: (rev) => git(['rev-parse', `${rev}^{commit}`]).trim(),
    commitDate: (rev) => git(['log', '-1', '--format=%cs', rev]).trim(),
    /** `git describe --tags [args…] rev`, or null when no tag is reachable. */
    describe: (rev, ...args) => tryGit(['describe', '--tags', ...args, rev])?.trim() ?? null,
    /** Release tags vMAJOR.MINOR.PATCH, oldest first. */
    releaseTags: () =>
      git(['tag', '--list', 'v*'])
        .split('\n')
        .filter((t) => /^v\d+\.\d+\.\d+$/.test(t))
        .sort(compareVersions),
    /** Tags that contain `rev` (the releases that shipped it), oldest first. */
    tagsContaining: (rev) =>
      (tryGit(['tag', '--contains', rev]) ?? '')
        .split('\n')
        .filter((t) => /^v\d+\.\d+\.\d+$/.test(t))
        .sort(compareVersions),
    /** Commits in `range` that add or remove `needle` in `path` ("<short sha> <date> <subject>"), oldest last. */
    logPickaxe: (range, needle, path) =>
      (tryGit(['log', '--format=%h %cs %s', `-S${needle}`, range, '--', path]) ?? '').split('\n').filter(Boolean),
    /** The commits at or before `rev` that touch `path`, oldest first: { sha, date, subject }. */
    commitsTouching: (rev, path, { since, firstParent = false } = {}) =>
      git(['log', ...(firstParent ? ['--first-parent'] : []), '--reverse', '--format=%H%x09%cs%x09%s', ...(since ? [`--since=${since}`] : []), rev, '--', path])
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [sha, date, subject] = line.split('\t');
          return { sha, date, subject };
        }),
    /** The text of every match (`git grep -h -o -E`) at `rev`, limited to the pathspecs. */
    grepMatches: (rev, regex, pathspecs) => (tryGit(['grep', '-h', '-o', '-E', regex, rev, '--', ...pathspecs]) ?? '').split('\n').filter(Boolean),
    /** Paths at `rev` whose text matches the extended regex, limited to the pathspecs. */
    grepFiles: (rev, regex, pathspecs) =>
      (tryGit(['grep', '-l', '-E', regex, rev, '--', ...pathspecs]) ?? '')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(rev.length + 1)),
  };
}

function gitDirOf(dir) {
  // A work tree has .git inside; a bare snapshot is the git directory itself.
  try {
    execFileSync('git', ['--git-dir', `${dir}/.git`, 'rev-parse', '--git-dir'], { stdio: 'ignore' });
    return `${dir}/.git`;
  } catch {
    return dir;
  }
}

export function compareVersions(a, b) {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
