/**
 * A Compose file of several YAML documents, each document checked as written. compose-go merges the documents of a
 * file in order, as it merges files (loader/loader.go loadYamlFile at compose-spec/compose-go
 * e70e961c3a3acebf0800b882f1afb3dbf1fb74a2), so projectAnalysis.ts treats each document as a part of the project:
 * this module gives the per-document analyses it needs when Compose refuses the file (a document that does not
 * parse, or is not a map), where nothing can be merged.
 */
import { isMap } from 'yaml';
import type { AnalysisOptions, ProjectContext } from '../core/analysisOptions';
import { LineIndex } from '../core/lineIndex';
import type { Finding } from '../core/types';
import type { ComposeFile } from '../compose/composeFile';
import { definedNames } from '../compose/references';
import { documentParts, parsedDocuments, partText, type DocumentPart } from '../compose/yamlDocuments';
import { rule as composeSchema } from '../rules/compose-schema';
import { REFERENCE_RULE_ID } from '../rules/compose-reference-undefined';
import { analyze, composeReports, finalize, ruleReports, tooLargeFindings, type RawReport } from './analyze';

/**
 * Every document of `text` checked alone, none merged into another (a text of one document: `analyze`). A name one
 * document defines is defined for the others (compose-reference-undefined is run once all are read).
 */
export function analyzeDocumentsAlone(text: string, options: AnalysisOptions): Finding[] {
  // Declined whole, never parsed, when it is too large.
  const parts = tooLargeFindings(text, options) ? [] : documentParts(text);
  if (parts.length < 2) return analyze(text, 'compose', options);
  const withoutReferences = { ...options, rules: { ...options.rules, [REFERENCE_RULE_ID]: 'off' as const } };
  const checked = parts.map((part) => {
    const own = partText(text, part);
    return composeReports(own, new LineIndex(own), withoutReferences);
  });
  const raw = checked.flatMap(({ raw }) => raw);
  if (options.rules?.[REFERENCE_RULE_ID] !== 'off') {
    const project = { definedElsewhere: definedInAll(checked.map(({ file }) => file)), fileAlone: true };
    for (const { file } of checked) raw.push(...ruleReports(file, { ...options, project }, REFERENCE_RULE_ID));
  }
  return finalize([...raw, ...notAMapReports(text, parts)], text, new LineIndex(text), options);
}

/** The names any of the documents defines, by top-level section. */
function definedInAll(files: readonly ComposeFile[]): ProjectContext['definedElsewhere'] {
  const out = { services: new Set<string>(), networks: new Set<string>(), volumes: new Set<string>(), configs: new Set<string>(), secrets: new Set<string>(), models: new Set<string>() };
  for (const file of files) {
    const names = definedNames(file);
    for (const section of Object.keys(out) as Array<keyof typeof out>) for (const name of names[section]) out[section].add(name);
  }
  return out;
}

/**
 * The documents compose-go refuses for not being a map ("top-level object must be a mapping"), most often the empty
 * one a trailing `---` starts: reported by compose-schema (the schema's top level is an object), at the `---`.
 */
export function notAMapReports(text: string, parts: readonly DocumentPart[]): RawReport[] {
  const { docs } = parsedDocuments(text);
  if (docs.length !== parts.length) return [];
  const out: RawReport[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length || doc.contents === null || isMap(doc.contents)) return;
    const empty = doc.contents.range?.[0] === doc.contents.range?.[2];
    const start = doc.range[0];
    // An explicit document starts at its `---` (the `yaml` package's range); one after a `...` has none.
    const marker = doc.directives?.docStart === true;
    const span = marker ? { start, end: start + 3 } : { start: doc.contents.range?.[0] ?? start, end: doc.contents.range?.[1] ?? start + 1 };
    const words = 'Compose reads every YAML document of a file ("---" starts one) and refuses one that is not a map ("top-level object must be a mapping")';
    out.push({
      rule: composeSchema.meta.id,
      severity: composeSchema.meta.defaultSeverity,
      report: {
        span,
        message: empty ? `This YAML document is empty: ${words}. Remove this "---", or write the document's keys under it.` : `This YAML document is not a map of keys: ${words}.`,
        // The empty document goes, from its `---` to where the next one starts.
        fixes: empty && marker ? [{ title: 'Remove the empty YAML document', edits: [{ span: { start, end: parts[i]!.end }, newText: '' }] }] : [],
      },
    });
  });
  return out;
}
