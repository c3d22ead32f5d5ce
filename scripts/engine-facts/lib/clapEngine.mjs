// The steps extract-tgi.mjs and extract-tei.mjs share for an engine whose command line is a clap derive struct:
// read the flags (with the ValueEnum names and the build features behind them), date them against the release tags,
// collect env vars, follow the main image per release, check the flags against clap's own --help in the docs, and
// put the results in the shape the other engines' facts files use.
import { clapArgFacts, parseClapStruct, parseValueEnum } from './clap.mjs';
import { compareWithHelp, parseClapHelp } from './clapHelp.mjs';
import { imageFacts } from './dockerfile.mjs';
import { entrypointScriptFacts } from './entrypointScript.mjs';
import { compareVersions } from './git.mjs';
import { annotateWithHistory, flagHistory } from './history.mjs';
import { sharedEnvShape, writeFacts } from './common.mjs';

/**
 * clapFlags, flagReleases and shortCollisionsOf in one: the struct's text, line and flags, the release history
 * (describe, lastTag, releasedTags, perTag, removed, window) and the short names given to more than one flag.
 */
export function clapEngineFlags(repo, rev, show, path) {
  const parsed = clapFlags(repo, rev, show, path);
  return { ...parsed, ...flagReleases(repo, rev, path, parsed.flags), shortCollisions: shortCollisionsOf(parsed.flags) };
}

/**
 * The flags of `struct Args` in `path`. ValueEnum types are looked up in the same file first, then anywhere in the
 * tree (git grep), so an enum of the same name elsewhere does not win over the struct's own.
 */
export function clapFlags(repo, rev, show, path, structName = 'Args') {
  const text = show(path);
  const enums = {};
  const resolve = (typeName) => {
    const name = typeName.split('::').at(-1);
    if (!(name in enums)) {
      enums[name] = null;
      const candidates = [path, ...repo.grepFiles(rev, `enum ${name}\\b`, ['*.rs']).filter((p) => p !== path)];
      for (const file of candidates) {
        const e = parseValueEnum(show(file), name);
        if (e) {
          enums[name] = { ...e, file };
          break;
        }
      }
    }
    return enums[name] ? enums[name].values.map((v) => v.name) : null;
  };
  const args = parseClapStruct(text, structName);
  if (!args) throw new Error(`no struct ${structName} in ${path}`);
  const flags = args.fields.map((f) => clapArgFacts(f, resolve)).filter(Boolean);
  for (const f of flags) {
    // A flag that takes no value still reads its env var, whose value must parse as the flag's value parser does.
    if (f.value === 'none' && f.env) f.env_values = f.possible_values;
    if (f.value === 'none') f.possible_values = null;
    const e = enums[f.rust_type.replace(/^(Option|Vec)<(.+)>$/, '$2').split('::').at(-1)];
    if (!e) continue;
    f.values_source = `${e.file}:${e.line}`;
    // Values that exist only in some builds (#[cfg(feature = …)] on the enum's variants).
    if (e.values.some((v) => v.cfg)) f.possible_values_by_build = e.values.map((v) => ({ value: v.name, ...(v.cfg ? { only_when: v.cfg.join(' && ') } : {}) }));
  }
  return { text, line: args.line, flags };
}

/**
 * Dates the flags against every release tag up to the commit's (by version order: release tags are not all on the
 * main branch's history). Adds added_in / default_history / env_history to `flags`; returns the removed ones.
 */
export function flagReleases(repo, rev, path, flags) {
  const tags = repo.releaseTags();
  const describe = repo.describe(rev);
  const lastTag = describe?.replace(/-\d+-g[0-9a-f]+$/, '') ?? tags.at(-1);
  const headIsTag = describe === lastTag;
  const releasedTags = tags.filter((t) => compareVersions(t, lastTag) <= 0);
  const perTag = flagHistory(repo, releasedTags, (tag) => repo.show(tag, path), 'Args');
  const removed = annotateWithHistory(flags, perTag, { lastTag, headIsTag });
  const window = `${perTag[0]?.tag}..${perTag.at(-1)?.tag} (${perTag.length} release tags)`;
  return { describe, lastTag, releasedTags, perTag, removed, window };
}

/** Short names given to more than one flag: clap's release build takes the first declared; a debug build panics. */
export function shortCollisionsOf(flags) {
  const shorts = {};
  for (const f of flags) if (f.short) (shorts[f.short] ??= []).push(f.flag);
  return Object.entries(shorts)
    .filter(([, list]) => list.length > 1)
    .map(([short, list]) => ({ short, flags: list, parses_as: list[0] }));
}

/** Env vars by name, gathered from flags (clap env), direct reads and curated meanings. */
export function envTable() {
  const map = new Map();
  const entry = (name) => {
    if (!map.has(name)) map.set(name, { name, read_by: [] });
    return map.get(name);
  };
  return {
    map,
    entry,
    addFlags(flags, component, flagSource) {
      for (const f of flags) {
        if (!f.env) continue;
        const e = entry(f.env);
        e.read_by.push(component);
        e.flag = f.flag;
        e.flag_source = flagSource;
      }
    },
    addDirect(grouped) {
      for (const d of grouped) {
        const e = entry(d.name);
        for (const c of d.read_by) if (!e.read_by.includes(c)) e.read_by.push(c);
        e.where = [...(e.where ?? []), ...d.where];
      }
    },
    addMeanings(meanings) {
      for (const [name, meaning] of Object.entries(meanings)) if (map.has(name)) map.get(name).meaning = meaning;
    },
    list(flags) {
      const byFlag = new Map(flags.map((f) => [f.flag, f]));
      return [...map.values()].map((e) => sharedEnvShape(e, byFlag)).sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

/**
 * The image a Dockerfile builds, release by release: ENTRYPOINT, CMD, how its entrypoint script passes arguments
 * on, and the cache and port env. Consecutive releases that agree are one row.
 */
export function imageHistoryOf(repo, tags, dockerfile, envNames) {
  const rows = [];
  for (const tag of tags) {
    const text = repo.show(tag, dockerfile);
    if (!text) continue;
    let f;
    try {
      f = imageFacts(text);
    } catch {
      continue;
    }
    let scriptArgs = null;
    if (f.entrypoint?.form === 'exec' && /\.sh$/.test(f.entrypoint.argv[0])) {
      const base = (p) => p.split('/').at(-1);
      const copy = [...f.copied].reverse().find((c) => c.from === null && base(c.dest) === base(f.entrypoint.argv[0]));
      const script = copy ? repo.show(tag, copy.sources[0].replace(/^\.\//, '')) : null;
      scriptArgs = script ? entrypointScriptFacts(script).launches.filter((l) => l.args_quoted !== null).at(-1)?.as_written ?? null : null;
    }
    const row = { entrypoint: f.entrypoint?.argv ?? null, cmd: f.cmd?.argv ?? null, script_passes_args_as: scriptArgs };
    for (const name of envNames) row[name] = f.env[name] ?? null;
    const prev = rows.at(-1);
    const same = prev && JSON.stringify({ ...prev, from: undefined, to: undefined }) === JSON.stringify({ ...row, from: undefined, to: undefined });
    if (same) prev.to = tag;
    else rows.push({ from: tag, to: tag, ...row });
  }
  return rows;
}

/** One image (from imageFromDockerfile) in the shape the other engines' `image` has. */
export function sharedImage(img, { name, notes }) {
  return {
    name,
    dockerfile: img.dockerfile,
    entrypoint: img.entrypoint,
    cmd: img.cmd,
    entrypoint_script: img.entrypoint_script?.path ?? null,
    entrypoint_splits_words: img.entrypoint_script?.args_word_split ?? false,
    entrypoint_line: img.entrypoint_script?.launches.at(-1)?.as_written ?? null,
    ships: { curl: /^yes/.test(img.tools.curl), wget: /^yes/.test(img.tools.wget), python3: /^yes/.test(img.tools.python3) },
    base: img.base_image,
    apt_packages: img.apt_packages,
    env: img.env,
    expose: img.expose,
    healthcheck: img.healthcheck,
    user: img.user,
    workdir: img.workdir,
    ...(img.entrypoint_relative_to ? { entrypoint_relative_to: img.entrypoint_relative_to } : {}),
    notes,
  };
}

/** How a clap derive parser treats a command line: the part of `parser` every clap engine shares. */
export function clapParser({ program, argsStruct }) {
  return {
    kind: 'clap-derive',
    program,
    args_struct: argsStruct,
    rejects_unknown: true,
    unknown_error: "error: unexpected argument '--foo' found (clap; with a tip when a similar flag exists), exit 2",
    allows_abbreviation: false,
    underscores_as_dashes: false,
    env_precedence: "command line > env var > default (clap reads a flag's env var only when the flag is absent from the command line)",
  };
}

/** Where the clap and hf-hub behaviour the facts describe was read. */
export function clapHowRead(clapVersions) {
  return `git show on a snapshot of the upstream repository; nothing built or run. clap ${clapVersions.join(', ')} (Cargo.lock); its semantics read in clap-rs/clap v4.5.32 (clap_derive/src/item.rs, derives/args.rs; clap_builder/src/parser/parser.rs, builder/action.rs, builder/value_parser.rs, mkeymap.rs), the parts used unchanged up to v4.5.36. hf-hub read in huggingface/hf-hub 357331d (v0.4.2).`;
}

/** The start of `source` for a clap engine: the commit read and the release it follows (see flagReleases). */
export function clapSource(repo, rev, repository, { lastTag, describe }) {
  return { repository, commit: rev, commit_date: repo.commitDate(rev), version: lastTag, latest_release: lastTag, describe };
}

/** `cross_check`: the flags against clap's own --help output as the engine's docs reproduce it (helpDoc). */
export function helpCrossCheck(repo, rev, flags, helpDoc) {
  const helpText = repo.show(rev, helpDoc);
  return {
    against: `${helpDoc} (clap --help output, regenerated upstream by hand)`,
    differences: helpText ? compareWithHelp(flags, parseClapHelp(helpText)) : ['help text not found'],
  };
}

/** Writes (or checks) a clap engine's facts, warns about the differences from its help text, then prints `summary`. */
export function writeClapFacts(facts, opts, summary) {
  writeFacts(facts, opts);
  const helpDiffs = facts.cross_check.differences;
  if (helpDiffs.length) console.warn(`help text differences:\n  ${helpDiffs.join('\n  ')}`);
  console.log(summary);
}
