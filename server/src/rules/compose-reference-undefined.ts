import { allLoadableAlone, definedNames, Reference, Section, serviceReferences } from '../compose/references';
import type { ComposeFile } from '../compose/composeFile';
import type { AnalysisOptions } from '../core/analysisOptions';
import { closestWord } from '../core/editDistance';
import type { SpanFix } from '../core/types';
import type { Rule } from './rule';

/**
 * compose-go (e70e961c3a3acebf0800b882f1afb3dbf1fb74a2) refuses a project whose services name something it does
 * not define: `loader/validate.go` checkConsistency (depends_on, networks, named volumes, configs, secrets, build
 * secrets, models) and `loader/extends.go` (a same-file `extends`, resolved per file after its `include:`). The
 * messages quote its wording.
 *
 * A file is often one of several (`-f a -f b`, an override, `include:`): what another file defines is no
 * reference to nothing. With the project (options.project) the other files' names count as defined; without it the
 * rule speaks only about a file that can stand alone (see `standsAlone`), and so for a file of several YAML documents
 * read alone (`fileAlone`), whose other documents' names count as defined. A same-file `extends` does not depend on
 * other files: it is checked unless the file has `include:`.
 */
/** Its id: the analysis runs this rule apart when only the names other services or files define change. */
export const REFERENCE_RULE_ID = 'compose-reference-undefined';

export const rule: Rule = {
  meta: {
    id: REFERENCE_RULE_ID,
    defaultSeverity: 'error',
    title: 'A service refers to a service, network, volume, config, secret or model that is not defined',
    appliesTo: ['compose'],
    fixable: true,
    silentOnSyntaxErrors: true,
  },
  compose(ctx) {
    const root = ctx.file.root;
    if (!root || ctx.file.syntaxErrors.length > 0) return;
    const included = root.has('include');
    const project = ctx.options.project;
    const alone = (!project || project.fileAlone === true) && standsAlone(ctx.file, ctx.options);
    const defined = definedNames(ctx.file);
    const elsewhere = project?.definedElsewhere;
    // A project of other files is the whole of what defines names; a file alone (its documents) may not be.
    const complete = !!project && !project.fileAlone;
    for (const info of ctx.services) {
      const name = info.service.name;
      for (const ref of serviceReferences(info.service.map)) {
        if (defined[ref.section].has(ref.name) || isImplicit(ref)) continue;
        if (ref.via === 'extends' ? included : !(alone || complete)) continue;
        if (ref.via !== 'extends' && elsewhere?.[ref.section].has(ref.name)) continue;
        const suggestion = closest(ref.name, defined[ref.section], name, ref);
        ctx.report({
          span: ref.at,
          message: messageFor(name, ref, suggestion),
          fixes: renameFix(ref, suggestion),
        });
      }
    }
  },
};

/**
 * Without the project: the file can be loaded alone. Not when it has `include:` (the included files define
 * things), when a service lacks `image`, `build`, `extends` and `provider` (an override fragment), or when its
 * name is an override's or a variant's (`compose.override.yaml`, `docker-compose.gpu.yml`), which usually come
 * after a base file with `-f`.
 */
export function standsAlone(file: ComposeFile, options: AnalysisOptions): boolean {
  if (file.root?.has('include')) return false;
  if (options.fileName !== undefined && isOverlayName(options.fileName)) return false;
  return allLoadableAlone(file);
}

/** `compose.override.yaml`, `x.override.yml`, and variants of the default names: `docker-compose.gpu.yaml`. */
export function isOverlayName(path: string): boolean {
  const base = path.split(/[\\/]/).pop()!.toLowerCase();
  return /\.override\./.test(base) || /^(docker-)?compose\..+\.ya?ml$/.test(base);
}

/** compose-go loader/normalize.go: a service on no declared network is on `default`, which needs no declaration. */
function isImplicit(ref: Reference): boolean {
  return ref.section === 'networks' && ref.name === 'default';
}

const NOUN: Record<Section, string> = {
  services: 'service',
  networks: 'network',
  volumes: 'volume',
  configs: 'config',
  secrets: 'secret',
  models: 'model',
};

function messageFor(service: string, ref: Reference, suggestion: string | undefined): string {
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
  if (ref.via === 'extends') {
    return (
      `Service "${service}" extends "${ref.name}", which this file does not define: Compose refuses it ` +
      `(cannot extend service "${service}": service "${ref.name}" not found). Define it here, or name its file with \`extends.file\`.${hint}`
    );
  }
  if (ref.via === 'depends_on') {
    return (
      `Service "${service}" depends on "${ref.name}", which is not defined: Compose refuses the project ` +
      `(service "${service}" depends on undefined service "${ref.name}"). Define the service or fix the name.${hint}`
    );
  }
  const noun = ref.via === 'build.secrets' ? 'build secret' : NOUN[ref.section];
  return (
    `Service "${service}" uses the ${noun} "${ref.name}", which is not defined: Compose refuses the project ` +
    `(service "${service}" refers to undefined ${noun} ${ref.name}). Define it under the top-level \`${ref.section}:\` or fix the name.${hint}`
  );
}

/** The one defined name within 2 edits (a typo), other than the service itself for a service reference. */
function closest(name: string, defined: ReadonlySet<string>, self: string, ref: Reference): string | undefined {
  return closestWord(name, [...defined].filter((candidate) => ref.section !== 'services' || candidate !== self), 2);
}

function renameFix(ref: Reference, suggestion: string | undefined): SpanFix[] {
  if (!suggestion || !ref.nameSpan) return [];
  return [{ title: `Change to "${suggestion}"`, preferred: true, edits: [{ span: ref.nameSpan, newText: suggestion }] }];
}
