import { parseCompose } from '../compose/composeFile';
import { describeService, ServiceInfo } from '../compose/service';
import { parseDockerfile } from '../dockerfile/dockerfileModel';
import { RULES } from '../rules/registry';
import { LineIndex } from './lineIndex';
import { AnalysisOptions, MAX_ANALYSED_BYTES } from './options';
import type { ComposeContext, DockerfileContext, Rule } from './rule';
import { Suppressions } from './suppression';
import type { FileKind, Finding, Fix, Report, Severity, SpanFix } from './types';

export const SYNTAX_RULE_ID = 'yaml-syntax';
export const TOO_LARGE_RULE_ID = 'file-too-large';

/**
 * Runs every enabled rule on one file and returns findings with LSP positions. Pure: no I/O, no LSP.
 * Rules that throw are contained, so one bad rule never hides the others' findings.
 */
export function analyze(text: string, kind: FileKind, options: AnalysisOptions = {}): Finding[] {
  const raw: Array<{ rule: string; severity: Severity; report: Report }> = [];
  const severityOf = (rule: Rule) => rule.meta.defaultSeverity;

  // Checked before anything reads the whole text, so declining a huge file costs nothing.
  if (text.length > MAX_ANALYSED_BYTES) {
    if (options.rules?.[TOO_LARGE_RULE_ID] === 'off') return [];
    return [
      {
        rule: TOO_LARGE_RULE_ID,
        severity: 'info',
        message: `Not analysed: the file is ${(text.length / 1048576).toFixed(1)} MB, above the ${MAX_ANALYSED_BYTES / 1048576} MB limit.`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        fixes: [],
      },
    ];
  }
  const lines = new LineIndex(text);

  const enabled = RULES.filter((r) => r.meta.appliesTo.includes(kind) && options.rules?.[r.meta.id] !== 'off');
  if (kind === 'compose') {
    const file = parseCompose(text, options.dotEnv, lines);
    for (const e of file.syntaxErrors) {
      raw.push({ rule: SYNTAX_RULE_ID, severity: 'error', report: { span: e.span, message: e.message } });
    }
    const services: ServiceInfo[] = file.services.map((s) => describeService(s, file.dotEnv));
    const byName = new Map(services.map((s) => [s.service.name, s]));
    for (const rule of enabled) {
      if (!rule.compose) continue;
      const ctx: ComposeContext = {
        file,
        options,
        services,
        service: (name) => byName.get(name),
        report: (report) => raw.push({ rule: rule.meta.id, severity: report.severity ?? severityOf(rule), report }),
      };
      runContained(rule, () => rule.compose!(ctx), raw);
    }
  } else {
    const model = parseDockerfile(text, lines);
    for (const rule of enabled) {
      if (!rule.dockerfile) continue;
      const ctx: DockerfileContext = {
        model,
        options,
        report: (report) => raw.push({ rule: rule.meta.id, severity: report.severity ?? severityOf(rule), report }),
      };
      runContained(rule, () => rule.dockerfile!(ctx), raw);
    }
  }

  const suppressions = new Suppressions(text, lines);
  const findings: Finding[] = [];
  for (const { rule, severity, report } of raw) {
    const setting = options.rules?.[rule];
    if (setting === 'off') continue;
    const range = lines.rangeOf(clampSpan(report.span, text.length));
    if (suppressions.isSuppressed(rule, range.start.line)) continue;
    findings.push({
      rule,
      severity: setting ?? severity,
      message: report.message,
      range,
      fixes: toFixes(report.fixes ?? [], lines, text.length),
    });
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
  return findings;
}

function runContained(rule: Rule, run: () => void, raw: Array<{ rule: string; severity: Severity; report: Report }>): void {
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
  const out = fixes.map((f) => ({
    title: f.title,
    preferred: f.preferred ?? false,
    edits: f.edits.map((e) => ({ range: lines.rangeOf(clampSpan(e.span, length)), newText: e.newText })),
  }));
  if (out.length && !out.some((f) => f.preferred)) out[0]!.preferred = true;
  // Exactly one preferred fix per finding.
  let seen = false;
  for (const f of out) {
    if (f.preferred && seen) f.preferred = false;
    if (f.preferred) seen = true;
  }
  return out;
}
