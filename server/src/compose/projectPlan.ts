/**
 * The stack plan of a Compose project, as `docker compose` loads it: one chosen file stands for the project it
 * belongs to (its folder's `COMPOSE_FILE`, else the default file and its override: project/files.ts
 * projectForFile); several chosen files are exactly those, in order. The project is loaded (project/: merge,
 * `!reset`/`!override`, `include`, `extends`, `.env`), rendered as one Compose text (project/render.ts) and read by
 * the one planner (stackPlan.ts), so a GPU reservation or a port an override adds is in the plan, and the project name
 * is compose-go's. A project Compose refuses gives a plan with compose-go's message as parseError.
 *
 * The plan names what the compose commands need to load the same project: `files` (`-f` each), and `envFiles` /
 * `projectDirectory` when Compose run on those files would not find them by itself.
 */
import { dirname, join, resolve } from 'node:path';
import type { BuildContextReader } from '../core/analysisOptions';
import { LineIndex } from '../core/lineIndex';
import { loadProject, projectForFile, resolveProjectOptions, type ProjectInput, type ProjectOptions, type ProjectReader } from './project';
import { readEnvFiles } from './project/envFiles';
import { renderProject, renderedNodeAt, type RenderedProject } from './project/render';
import { ComposeError, type Origin } from './project/tree';
import { planStack, projectNameFor } from './stackPlan';
import type { StackPlan } from './stackPlanTypes';
import { interpolatedFiles } from './interpolatedFiles';
import { unsetVariables } from './unsetVariables';

export interface ProjectPlanRequest {
  /** One file: the project it belongs to; several: these, in merge order. Absolute or relative to the process. */
  files: readonly string[];
  /** The shell environment compose would see; it wins over the env files. */
  env: Readonly<Record<string, string | undefined>>;
  reader: ProjectReader;
  /** Dockerfiles of `build:` contexts (absolute once the project is loaded). */
  buildContexts?: BuildContextReader;
}

/** Never throws: a project Compose refuses gives a plan with parseError (and no services). */
export function planProject(request: ProjectPlanRequest): StackPlan {
  const first = resolve(request.files[0] ?? '.');
  const environment = new Map<string, string>();
  for (const [k, v] of Object.entries(request.env)) if (v !== undefined) environment.set(k, v);
  let files = request.files.map((f) => resolve(f));
  let variables: ReadonlyMap<string, string> = environment;
  let workingDir = dirname(first);
  try {
    const options = request.files.length > 1
      ? resolveProjectOptions({ cwd: dirname(first), environment, files }, request.reader)
      : projectForFile(first, environment, request.reader);
    files = options.configFiles;
    variables = options.environment;
    workingDir = options.workingDir;
    const input = commandInput(options, environment, request.reader);
    const loaded = loadProject({ ...input, profiles: ['*'] }, request.reader);
    const rendered = renderProject(loaded.model);
    const plan = planStack(rendered.text, files[0]!, {
      env: request.env,
      // The env files alone: planStack tells a value the workspace wrote from one the shell gave.
      dotEnv: readEnvFiles(loaded.options.envFiles, request.reader, new Map()),
      ...(request.reader.home ? { homedir: request.reader.home } : {}),
      ...(request.buildContexts ? { buildContexts: request.buildContexts } : {}),
      locate: (offset) => locateRendered(rendered, offset, loaded.files),
    });
    plan.project = loaded.name;
    plan.files = files;
    if (input.envFiles) plan.envFiles = [...input.envFiles];
    if (input.projectDirectory) plan.projectDirectory = input.projectDirectory;
    return withUnsetVariables(plan, files, variables, workingDir, request.reader);
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    const refused: StackPlan = { file: files[0] ?? first, files, project: projectNameFor(files[0] ?? first, undefined, environment), services: [], parseError: refusal(e, request.reader) };
    // A required variable nothing sets is the likeliest refusal: pre-flight names it, and the `.env` it may be in.
    // Only once the project's options (its `.env` among them) were read: before that, what `.env` sets is unknown and
    // every variable it sets would be called unset.
    return variables === environment ? refused : withUnsetVariables(refused, files, variables, workingDir, request.reader);
  }
}

/**
 * The variables the project's Compose files use and nothing sets (unsetVariables.ts): its own files and those they
 * include and extend, each with the variables it is interpolated with (interpolatedFiles.ts).
 */
function withUnsetVariables(plan: StackPlan, files: readonly string[], variables: ReadonlyMap<string, string>, workingDir: string, reader: ProjectReader): StackPlan {
  const unset = unsetVariables(interpolatedFiles(files, variables, workingDir, reader), variables);
  if (unset.length) plan.unsetVariables = unset;
  return plan;
}

/**
 * What the compose commands are given (`-f` each file, from the first file's folder): the env files and the project
 * directory only when Compose would not take the same ones by itself, so the command loads the project planned.
 */
function commandInput(options: ProjectOptions, environment: ReadonlyMap<string, string>, reader: ProjectReader): ProjectInput {
  const cwd = dirname(options.configFiles[0]!);
  const input: ProjectInput = { cwd, environment, files: options.configFiles };
  const found = reader.kind(join(options.workingDir, '.env')) === 'file' ? [join(options.workingDir, '.env')] : [];
  if (options.envFiles.length !== found.length || options.envFiles.some((f, i) => f !== found[i])) input.envFiles = options.envFiles;
  if (options.workingDir !== cwd) input.projectDirectory = options.workingDir;
  return input;
}

/** compose-go's message, after the place it points at when it has one ("file:line:column: message"). */
function refusal(error: ComposeError, reader: ProjectReader): string {
  const at = error.origin && placeOf(error.origin, (file) => {
    const read = reader.read(file);
    return read.ok ? read.text : undefined;
  });
  return at ? `${at}: ${error.message}` : error.message;
}

function placeOf(origin: Origin, text: (file: string) => string | undefined): string | undefined {
  if (!origin.node) return undefined;
  const content = text(origin.file);
  if (content === undefined) return undefined;
  const pos = new LineIndex(content).positionAt(origin.range[0]);
  return `${origin.file}:${pos.line + 1}:${pos.character + 1}`;
}

/** The file, line and column an offset of the rendered project came from. */
function locateRendered(rendered: RenderedProject, offset: number, files: ReadonlyMap<string, string>): string {
  const node = renderedNodeAt(rendered, offset);
  return (node && placeOf(node.origin, (f) => files.get(f))) ?? node?.origin.file ?? 'the merged project';
}
