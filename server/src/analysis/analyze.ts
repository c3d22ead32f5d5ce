import { ComposeFile, parseCompose } from '../compose/composeFile';
import { describeService, ServiceInfo } from '../compose/service';
import { parseDockerfile } from '../dockerfile/dockerfileModel';
import { RULES } from '../rules/registry';
import { LineIndex } from '../core/lineIndex';
import type { AnalysisOptions } from '../core/analysisOptions';
import { MAX_ANALYSED_BYTES } from '../core/boundedFile';
import type { ComposeContext, DockerfileContext, DotEnvContext, PeerLookup, Rule } from '../rules/rule';
import { Suppressions } from '../core/suppression';
import type { FileKind, Finding, Fix, Range, Report, Severity, Span, SpanFix } from '../core/types';

export const SYNTAX_RULE_ID = 'yaml-syntax';
export const TOO_LARGE_RULE_ID = 'file-too-large';
export const TOO_MANY_FINDINGS_RULE_ID = 'too-many-findings';
/** Findings listed per file; the rest are counted in one `too-many-findings`. */
export const MAX_FINDINGS_PER_FILE = 1000;

/** A report as a rule made it (offset spans), before suppression, settings and positions. */
export interface RawReport {
  rule: string;
  severity: Severity;
  report: Report;
}

/**
 * Runs every enabled rule on one file and returns findings with LSP positions. Pure: no I/O, no LSP.
 * Rules that throw are contained, so one bad rule never hides the others' findings.
 */
export function analyze(text: string, kind: FileKind, options: AnalysisOptions = {}): Finding[] {
  // Checked before anything reads the whole text, so declining a huge file costs nothing.
  const tooLarge = tooLargeFindings(text, options);
  if (tooLarge) return tooLarge;
  const lines = new LineIndex(text);
  let raw: RawReport[];
  if (kind === 'compose') {
    raw = composeReports(text, lines, options).raw;
  } else if (kind === 'dotenv') {
    raw = [];
    for (const rule of enabledRules('dotenv', options)) {
      if (!rule.dotenv) continue;
      const ctx: DotEnvContext = { text, options, report: reporterFor(rule, raw) };
      runContained(rule, () => rule.dotenv!(ctx), raw);
    }
  } else {
    raw = [];
    const model = parseDockerfile(text, lines);
    for (const rule of enabledRules('dockerfile', options)) {
      if (!rule.dockerfile) continue;
      const ctx: DockerfileContext = { model, options, report: reporterFor(rule, raw) };
      runContained(rule, () => rule.dockerfile!(ctx), raw);
    }
  }
  return finalize(raw, text, lines, options);
}

/** The one finding for a file above the size limit (none when that rule is off); undefined: analyse it. */
export function tooLargeFindings(text: string, options: AnalysisOptions): Finding[] | undefined {
  return text.length <= MAX_ANALYSED_BYTES ? undefined : declinedAsTooLarge(text.length, options);
}

/** The `file-too-large` finding for a file of `size` (the CLI declines a file this size without reading it). */
export function declinedAsTooLarge(size: number, options: AnalysisOptions): Finding[] {
  if (options.rules?.[TOO_LARGE_RULE_ID] === 'off') return [];
  return [
    {
      rule: TOO_LARGE_RULE_ID,
      severity: 'info',
      message: `Not analysed: the file is ${(size / 1048576).toFixed(1)} MB, above the ${MAX_ANALYSED_BYTES / 1048576} MB limit.`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      fixes: [],
    },
  ];
}

export function enabledRules(kind: FileKind, options: AnalysisOptions): Rule[] {
  return RULES.filter((r) => r.meta.appliesTo.includes(kind) && options.rules?.[r.meta.id] !== 'off');
}

/** A Compose text's parse and its reports (syntax and rules), before `finalize`. */
export function composeReports(text: string, lines: LineIndex, options: AnalysisOptions): { file: ComposeFile; raw: RawReport[] } {
  const file = parseCompose(text, options.dotEnv, lines);
  const services = file.services.map((s) => describeService(s, file.dotEnv, options.buildContexts));
  return { file, raw: [...syntaxReports(file), ...collectComposeReports(file, services, options)] };
}

/** The reports of one rule, the others not run (a rule whose inputs changed while the rest of the file did not). */
export function ruleReports(file: ComposeFile, options: AnalysisOptions, ruleId: string, services: readonly ServiceInfo[] = file.services.map((s) => describeService(s, file.dotEnv, options.buildContexts))): RawReport[] {
  const rules = Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.id === ruleId ? (options.rules?.[ruleId] ?? r.meta.defaultSeverity) : 'off']));
  return collectComposeReports(file, services, { ...options, rules });
}

export function syntaxReports(file: ComposeFile): RawReport[] {
  return file.syntaxErrors.map((e) => ({ rule: SYNTAX_RULE_ID, severity: 'error' as const, report: { span: e.span, message: e.message } }));
}

/**
 * Runs the Compose rules. `services` are the services the rules check (all of them, or the one an
 * incremental run re-checks); `peer` answers what rules ask about any service (default: among `services`);
 * `scope` tells rules that walk the whole document which part to walk.
 */
export function collectComposeReports(
  file: ComposeFile,
  services: readonly ServiceInfo[],
  options: AnalysisOptions,
  scope?: Span,
  peer?: PeerLookup,
): RawReport[] {
  const raw: RawReport[] = [];
  if (!peer) {
    const byName = new Map(services.map((s) => [s.service.name, s]));
    peer = (name, read) => {
      const info = byName.get(name);
      return info && read(info, file.dotEnv);
    };
  }
  // Around a syntax error the parser guesses at the structure: findings there are still worth showing,
  // but an edit computed from a guessed structure can make the file worse, so no fixes are offered.
  const fixable = file.syntaxErrors.length === 0;
  for (const rule of enabledRules('compose', options)) {
    if (!rule.compose) continue;
    const ctx: ComposeContext = { file, options, services, peer, report: reporterFor(rule, raw, fixable), ...(scope ? { scope } : {}) };
    runContained(rule, () => rule.compose!(ctx), raw);
  }
  return raw;
}

function reporterFor(rule: Rule, raw: RawReport[], fixable = true): (report: Report) => void {
  return (report) =>
    raw.push({ rule: rule.meta.id, severity: report.severity ?? rule.meta.defaultSeverity, report: fixable ? report : { ...report, fixes: [] } });
}

/**
 * Suppression comments, severity settings, spans to positions, one preferred fix each, sorted; at most
 * MAX_FINDINGS_PER_FILE of them, then one `too-many-findings` saying how many more there are (a file of 800
 * services that each depend on all others has 320,000: no Problems panel or terminal can show them).
 */
export function finalize(raw: readonly RawReport[], text: string, lines: LineIndex, options: AnalysisOptions): Finding[] {
  const suppressions = new Suppressions(text, lines);
  const shown: Array<{ rule: string; severity: Severity; report: Report; range: Range }> = [];
  for (const { rule, severity, report } of raw) {
    const setting = options.rules?.[rule];
    if (setting === 'off') continue;
    const range = lines.rangeOf(clampSpan(report.span, text.length));
    if (suppressions.isSuppressed(rule, range.start.line)) continue;
    shown.push({ rule, severity: setting ?? severity, report, range });
  }
  shown.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
  // Fixes only for what is listed: most of the cost of a flood.
  const findings: Finding[] = shown.slice(0, MAX_FINDINGS_PER_FILE).map(({ rule, severity, report, range }) => ({
    rule,
    severity,
    message: report.message,
    range,
    fixes: toFixes(report.fixes ?? [], lines, text.length),
    ...(report.related?.length ? { relatedInformation: report.related } : {}),
  }));
  const unlisted = shown.length - findings.length;
  if (unlisted > 0 && options.rules?.[TOO_MANY_FINDINGS_RULE_ID] !== 'off') findings.push(tooManyFindings(unlisted));
  return findings;
}

function tooManyFindings(unlisted: number): Finding {
  return {
    rule: TOO_MANY_FINDINGS_RULE_ID,
    severity: 'info',
    message:
      `${unlisted.toLocaleString('en-US')} more finding${unlisted === 1 ? ' was' : 's were'} not listed: at most ` +
      `${MAX_FINDINGS_PER_FILE.toLocaleString('en-US')} are shown per file. Fix or silence the ones listed, or turn off the rules that report the most.`,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    fixes: [],
  };
}

function runContained(rule: Rule, run: () => void, raw: RawReport[]): void {
  try {
    run();
  } catch (err) {
    // A crashing rule is our bug, not the user's: say so once at the top of the file and keep going.
    raw.push({
      rule: 'internal-error',
      severity: 'hint',
      report: { span: { start: 0, end: 0 }, message: `Rule ${rule.meta.id} failed: ${(err as Error).message}` },
    });
  }
}

function clampSpan(span: { start: number; end: number }, length: number) {
  const start = Math.max(0, Math.min(span.start, length));
  return { start, end: Math.max(start, Math.min(span.end, length)) };
}

function toFixes(fixes: readonly SpanFix[], lines: LineIndex, length: number): Fix[] {
  const out: Fix[] = fixes.map((f) => ({
    title: f.title,
    preferred: f.preferred ?? false,
    edits: f.edits.map((e) => ({ range: lines.rangeOf(clampSpan(e.span, length)), newText: e.newText })),
    ...(f.sideEdits?.length ? { sideEdits: f.sideEdits } : {}),
  }));
  // A fix the rule marked `preferred: false` is never made preferred here.
  const first = fixes.findIndex((f) => f.preferred !== false);
  if (first >= 0 && !out.some((f) => f.preferred)) out[first]!.preferred = true;
  // Exactly one preferred fix per finding.
  let seen = false;
  for (const f of out) {
    if (f.preferred && seen) f.preferred = false;
    if (f.preferred) seen = true;
  }
  return out;
}
