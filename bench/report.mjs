// Turns one run's measurements into bench/RESULTS.md: one table, every number beside its goal.
import { fmtMs, median, percentile } from './stats.mjs';

const PASS = '✅ pass';
const FAIL = '❌ fail';
const INFO = '–';

const verdict = (ok) => (ok === undefined ? INFO : ok ? PASS : FAIL);
const finite = (x) => typeof x === 'number' && Number.isFinite(x);

function sizeLabel(f) {
  const size = f.bytes < 1048576 ? `${Math.round(f.bytes / 1024)} KB` : `${(f.bytes / 1048576).toFixed(1)} MB`;
  return f.services === 1 ? `seed (${f.lines} lines)` : `${f.services.toLocaleString('en')} services (${f.lines.toLocaleString('en')} lines, ${size})`;
}

/** "12 ms" for a sample list's median, "timeout" / "error" / "skipped" for the rest. */
function cell(r) {
  if (!r) return 'not run';
  if (r.skipped) return `skipped (${r.skipped})`;
  if (r.timeout) return `timeout (> ${fmtMs(r.timeoutMs)})`;
  if (r.error) return `error: ${r.error}`;
  return fmtMs(r.ms);
}

function latencyCell(samples, withP95) {
  if (!samples?.length) return 'not run';
  if (!samples.every(finite)) return 'timeout';
  const p50 = fmtMs(median(samples));
  return withP95 ? `p50 ${p50}, p95 ${fmtMs(percentile(samples, 95))} (n=${samples.length})` : `${p50} (n=${samples.length})`;
}

/** Rows of [measurement, size, ours, reference, goal, verdict]. */
function rows(R) {
  const out = [];
  const seed = R.files[0];
  const largest = R.files.at(-1);

  for (const f of R.files) {
    const p = R.parse[f.services];
    if (!p) continue;
    const ratio = p.analyze / p.parse;
    out.push(['Rules cost: `analyze()` vs bare `yaml` parseDocument (warm, in-process)', sizeLabel(f), `${fmtMs(p.analyze)} (${ratio.toFixed(2)}× parse)`, `parse ${fmtMs(p.parse)}`, 'total ≤ 1.5× parse', verdict(ratio <= 1.5)]);
  }

  for (const f of R.files) {
    const ours = R.lsp.ours?.[f.services];
    const theirs = R.lsp.yamlls?.[f.services];
    const oursMed = ours?.edits?.length && ours.edits.every(finite) ? median(ours.edits) : undefined;
    const theirsMed = theirs?.edits?.length && theirs.edits.every(finite) ? median(theirs.edits) : undefined;
    let goal = 'faster than yaml-language-server';
    let ok = oursMed !== undefined && theirsMed !== undefined ? oursMed < theirsMed : undefined;
    if (f === seed) {
      goal = '≤ 5 ms median';
      ok = oursMed !== undefined ? oursMed <= 5 : false;
    } else if (f !== largest) {
      goal = '– (reference)';
      ok = undefined;
    } else if (oursMed === undefined) ok = false;
    const ref = R.lsp.yamlls ? (theirs ? latencyCell(theirs.edits, f === seed) : 'skipped (BENCH_QUICK)') : 'not run';
    out.push(['Keystroke → diagnostics, end to end over stdio (didChange → publishDiagnostics)', sizeLabel(f), latencyCell(ours?.edits, f === seed), `yaml-language-server ${ref}`, goal, verdict(ok)]);
  }

  for (const f of R.files) {
    const ours = R.lsp.ours?.[f.services];
    const theirs = R.lsp.yamlls?.[f.services];
    out.push(['didOpen → first diagnostics (whole file)', sizeLabel(f), fmtMs(ours?.openMs), `yaml-language-server ${theirs ? fmtMs(theirs.openMs) : 'not run'}`, '– (reference)', INFO]);
  }

  const startOurs = median(R.startup.ours);
  out.push(['Server start → first diagnostics (spawn, initialize, didOpen)', sizeLabel(seed), `${fmtMs(startOurs)} (n=${R.startup.ours.length})`, `yaml-language-server ${fmtMs(median(R.startup.yamlls))}`, '< 300 ms', verdict(startOurs < 300)]);

  const resp = R.lsp.ours?.responsiveness;
  if (resp) {
    const theirs = R.lsp.yamlls?.responsiveness;
    const fmtResp = (r) => `codeAction p50 ${fmtMs(median(r.during))}, max ${fmtMs(Math.max(...r.during))} (n=${r.during.length}; idle ${fmtMs(r.idleMs)}) during a ${fmtMs(r.bigMs)} analysis`;
    out.push(['Other requests answered while the largest file is analysed in full (reopened)', sizeLabel(largest), fmtResp(resp), `yaml-language-server ${theirs ? fmtResp(theirs) : 'not run'}`, 'max < 100 ms', verdict(Math.max(...resp.during) < 100)]);
  }
  const burst = R.lsp.ours?.burst;
  if (burst) {
    const theirs = R.lsp.yamlls?.burst;
    const fmtBurst = (b) =>
      `${b.publishes} publish(es) for ${b.keystrokes} keystrokes 30 ms apart${b.stale === undefined ? '' : `, ${b.stale} stale`}; last → diagnostics ${fmtMs(b.lastMs)}`;
    // A publish is stale when a newer version had already been sent: a fast server may publish every
    // keystroke, a slow one must drop the ones overtaken while it worked.
    out.push(['Stale runs dropped (burst of keystrokes)', sizeLabel(largest), fmtBurst(burst), `yaml-language-server ${theirs ? fmtBurst(theirs) : 'not run'}`, 'no stale publish; the last version published', verdict(burst.stale === 0 && finite(burst.lastMs))]);
  }

  for (const [key, c] of Object.entries(R.cli)) {
    const f = R.files.find((x) => String(x.services) === key);
    const label = f ? sizeLabel(f) : `corpus (${c.files} files)`;
    const fasterThanDclint = finite(c.ours.ms) && (c.dclint.timeout || (finite(c.dclint.ms) && c.ours.ms < c.dclint.ms));
    const ok = c.dclint.skipped || c.dclint.error ? (f === seed ? c.ours.ms < 300 : undefined) : f === seed ? fasterThanDclint && c.ours.ms < 300 : fasterThanDclint;
    out.push(['CLI whole process (`lint --format json`) vs dclint (`--formatter json`)', label, cell(c.ours), `dclint ${cell(c.dclint)}`, f === seed ? '< 0.3 s and faster than dclint' : 'faster than dclint', verdict(ok)]);
  }

  out.push(['`dist/server.js` size', '–', `${(R.bundleBytes / 1048576).toFixed(2)} MB`, '–', '< 1.5 MB', verdict(R.bundleBytes < 1.5 * 1048576)]);
  if (R.lsp.yamlls?.schemaProbe) {
    const p = R.lsp.yamlls.schemaProbe;
    out.push(['yaml-language-server really validates against the Compose schema (`restart` → `restarx`)', sizeLabel(seed), '–', p.ok ? `reported: "${p.message}"` : `NOT reported (${p.message})`, 'schema diagnostic seen', verdict(p.ok)]);
  }
  out.push(['yaml-language-server network connection attempts (caught by a local proxy)', '–', '–', String(R.networkAttempts), '0', verdict(R.networkAttempts === 0)]);
  return out;
}

function table(header, body) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** Where analyze() spends its time: parse, Compose view, rules; and the costliest rules. */
function breakdown(R) {
  const body = R.files
    .filter((f) => R.parse[f.services])
    .map((f) => {
      const p = R.parse[f.services];
      return [sizeLabel(f), fmtMs(p.parse), fmtMs(p.composeParse), fmtMs(p.describe), fmtMs(p.rules), fmtMs(p.analyze)];
    });
  let text = table(['size', 'bare parse', 'parseCompose (our options + view)', 'describeService ×N', 'rules + findings', 'analyze() total'], body);
  const sizes = Object.keys(R.ruleCosts ?? {});
  if (sizes.length) {
    const ids = R.ruleCosts[sizes[0]].map((c) => c.id).slice(0, 10);
    const msOf = (size, id) => R.ruleCosts[size].find((c) => c.id === id)?.ms;
    text += `\n\nThe costliest rules (time inside each rule's check per analysis, timed in a real analyze()):\n\n`;
    text += table(['rule', ...sizes.map((n) => `${Number(n).toLocaleString('en')} services`)], ids.map((id) => [id, ...sizes.map((n) => fmtMs(msOf(n, id)))]));
  }
  return text;
}

export function renderReport(R) {
  const m = R.machine;
  return `# Benchmark results

Reproduce: \`npm run bench\` (everything, about 10 minutes on 2 cores) or \`BENCH_QUICK=1 npm run bench\`
(skips yaml-language-server and dclint on the 5,000-service file and times fewer runs). The files are
generated into \`bench/generated/\`; every number below comes from this one run on this machine, and
comparisons are between numbers measured in it. This file is overwritten by each run.

- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM, ${m.os}; Node ${m.node}
- Date: ${m.date}; load average at start ${m.loadavg} (other work on the machine inflates every number)
- Mode: ${R.quick ? 'BENCH_QUICK=1' : 'full'}; took ${fmtMs(R.tookMs)}

${table(['Measurement', 'Size', 'Inference Stack', 'Reference', 'Goal', 'Result'], rows(R))}

## Where the time goes

${breakdown(R)}

${(R.features ?? []).map((f) => `## ${f.title}\n\n\`node bench/${f.script}\`:\n\n${f.out.includes('|---') ? f.out : '```\n' + f.out + '\n```'}\n\n`).join('')}Notes: latencies are medians unless marked; "keystroke" is a one-character incremental change in the
middle service; yaml-language-server has a fixed 200 ms validation debounce, included in its numbers
as an editor would see it. dclint and our CLI both print JSON reports; dclint's exit status 1 (findings)
counts as a normal run.
`;
}
