/**
 * Where a program named by its bare name (`docker`, `docker-compose`, `nvidia-smi`, `taskkill`) really is, found the
 * way a careful `which` would and never in the folder a command runs in. Every spawn (processRunner.ts) goes through
 * here and gets an absolute path, because the system's own lookups search places a cloned repository controls:
 * - on Windows, libuv (like CreateProcess) looks in the working folder first, and compose runs in the Compose file's
 *   folder, so a `docker.exe` committed beside compose.yaml would run;
 * - on POSIX, an empty PATH entry (`PATH=/usr/bin::`) or `.` means the working folder as well.
 * So only absolute PATH entries count, and none that is the working folder or lies inside an excluded folder (the
 * workspace folders). On Windows the name is tried with PATHEXT's extensions, in its order, keeping those a process
 * can be started from without a shell (.exe, .com: Node refuses .bat and .cmd without one).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ResolveOptions {
  env?: Env;
  platform?: NodeJS.Platform;
  /** Folders whose programs never run: the command's working folder, the workspace folders. */
  exclude?: readonly (string | undefined)[];
  /** Whether `path` is a program this process may run; default: a regular file, executable on POSIX. */
  isExecutable?: (path: string, platform: NodeJS.Platform) => boolean;
}

/** What Windows runs without a shell; PATHEXT's default when it is unset. */
const WINDOWS_PROGRAM_EXTS = ['.COM', '.EXE'];
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

function defaultIsExecutable(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An environment variable by name; case-insensitive on Windows (`Path`, `PATHEXT`). */
function envValue(env: Env, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/** The extensions to try on Windows: PATHEXT's order, only those started without a shell. */
function windowsExtensions(env: Env): string[] {
  const listed = (envValue(env, 'PATHEXT', 'win32') ?? DEFAULT_PATHEXT).split(';').map((e) => e.trim().toUpperCase());
  const usable = listed.filter((e) => WINDOWS_PROGRAM_EXTS.includes(e));
  // Lower case: Windows file names are case-insensitive, and `docker.exe` is how the file is usually spelled.
  return [...new Set(usable.length ? usable : WINDOWS_PROGRAM_EXTS)].map((e) => e.toLowerCase());
}

/**
 * The absolute path to run for `name`, or undefined (not found: the caller reports it as ENOENT). An absolute `name`
 * (a setting's path) is returned as is; a relative path with a separator is refused, since it would be looked up from
 * the working folder.
 */
export function resolveExecutable(name: string, opts: ResolveOptions = {}): string | undefined {
  const platform = opts.platform ?? process.platform;
  const path = platform === 'win32' ? win32 : posix;
  const env = opts.env ?? process.env;
  const isExecutable = opts.isExecutable ?? defaultIsExecutable;
  if (path.isAbsolute(name)) return name;
  if (name === '' || name.includes('/') || (platform === 'win32' && name.includes('\\'))) return undefined;
  // path.win32.relative compares case-insensitively, as Windows does.
  const inside = (root: string, dir: string) => {
    const rel = path.relative(path.resolve(root), dir);
    return rel === '' || (!path.isAbsolute(rel) && !/^\.\.($|[\\/])/.test(rel));
  };
  const excluded = (opts.exclude ?? []).filter((d): d is string => !!d && path.isAbsolute(d));
  const dirs = (envValue(env, 'PATH', platform) ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
    .filter((d) => d !== '' && path.isAbsolute(d))
    .map((d) => path.resolve(d))
    .filter((d) => !excluded.some((root) => inside(root, d)));
  const hasExt = platform === 'win32' && WINDOWS_PROGRAM_EXTS.includes(path.extname(name).toUpperCase());
  const names = platform !== 'win32' || hasExt ? [name] : windowsExtensions(env).map((ext) => name + ext);
  for (const dir of dirs) {
    for (const candidate of names) {
      const full = path.join(dir, candidate);
      if (isExecutable(full, platform)) return full;
    }
  }
  return undefined;
}
