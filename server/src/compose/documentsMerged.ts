/**
 * A Compose file read alone, as Compose reads it: a text of several YAML documents is the documents merged in order
 * (compose-go loader/loader.go loadYamlFile at compose-spec/compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2,
 * merged by project/) and rendered as one text (project/render.ts) for the readers of one Compose text (`fit`,
 * `load --service`). Any other text is itself.
 */
import { dirname } from 'node:path';
import { loadProject } from './project/project';
import { textOnlyReader } from './project/overlayReader';
import { renderProject } from './project/render';
import { ComposeError } from './project/tree';
import { hasSeveralDocuments } from './yamlDocuments';

/** `variables`: what interpolation reads (the `.env` beside the file). A file Compose refuses is given back as it is. */
export function documentsMerged(text: string, file: string, variables: ReadonlyMap<string, string> = new Map()): string {
  if (!hasSeveralDocuments(text)) return text;
  try {
    const loaded = loadProject({ cwd: dirname(file), environment: new Map(variables), files: [file], profiles: ['*'] }, textOnlyReader(file, text), { skipConsistencyCheck: true });
    return renderProject(loaded.model).text;
  } catch (err) {
    // Its reader reports what is wrong in it (a syntax error, a document that is not a map).
    if (err instanceof ComposeError) return text;
    throw err;
  }
}
