/**
 * Pre-flight for `${VAR}` references nothing sets (the plan's unsetVariables: compose/unsetVariables.ts, read with the
 * shell environment and the env files Compose reads):
 * - A required one (`${VAR:?message}`, `${VAR?message}`): Compose refuses the project ("required variable VAR is
 *   missing a value"). A blocker naming the variables and where they are written, in place of the bare
 *   compose-file-invalid blocker.
 * - Plain ones (`${VAR}`): Compose uses "" with a warning; said only when `.env` is missing and an example beside it
 *   (.env.example, .env.sample, example.env) sets them: the likeliest case of a step skipped. A warning.
 * Either offers "Create .env from <example>" (envFileCopy.ts: a copy inside the workspace, never over a file) when the
 * example sets at least one of them.
 */
import { basename, dirname, join } from 'node:path';
import { parseDotEnv } from '../../../../server/src/compose/dotenv';
import type { PlannedVariable, StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import type { PreflightIssue } from '../stackTypes';

/** The examples a project ships instead of its `.env`, in the order looked for. */
export const ENV_EXAMPLE_NAMES = ['.env.example', '.env.sample', 'example.env'];

export interface VariableDeps {
  pathExists(path: string): Promise<boolean>;
  /** A small text file's content (an env example), or undefined when it cannot be read. */
  readText?(path: string): Promise<string | undefined>;
}

/** The `required variable X is missing a value` compose-go refuses a project with (template.ts templateErrorMessage). */
export function requiredVariableOf(parseError: string | undefined): string | undefined {
  return parseError ? /required variable (\S+) is missing a value/.exec(parseError)?.[1] : undefined;
}

export async function variableIssues(plan: StackPlan, deps: VariableDeps): Promise<PreflightIssue[]> {
  const unset = plan.unsetVariables ?? [];
  if (!unset.length) return [];
  const required = unset.filter((v) => v.required);
  const plain = unset.filter((v) => !v.required);
  // `--env-file` named elsewhere: the `.env` beside the files is not what Compose reads.
  const folder = plan.envFiles ? undefined : (plan.projectDirectory ?? dirname(plan.file));
  const envPath = folder ? join(folder, '.env') : undefined;
  const envMissing = envPath ? !(await deps.pathExists(envPath)) : false;
  const example = envMissing && folder ? await findExample(folder, deps) : undefined;
  const covered = (vars: readonly PlannedVariable[]) => (example ? vars.filter((v) => example.sets.has(v.name)) : []);
  const issues: PreflightIssue[] = [];
  if (required.length) {
    const fromExample = covered(required);
    issues.push({
      id: 'variable-unset',
      severity: 'blocker',
      title: `${listNames(required)} ${required.length > 1 ? 'are' : 'is'} not set, and Compose refuses the project without ${required.length > 1 ? 'them' : 'it'}`,
      steps: [
        `Written as required (\${NAME:?…}) at ${required.map((v) => v.at).join(', ')}; neither the environment VS Code runs in nor ${plan.envFiles ? 'the env files' : '.env'} sets ${required.length > 1 ? 'them' : 'it'}.`,
        ...exampleSteps(example, fromExample, envPath),
        envPath ? `Set ${required.length > 1 ? 'them' : 'it'} in ${envPath}, or export ${required.length > 1 ? 'them' : 'it'} before starting VS Code.` : 'Set them in the env files named, or export them before starting VS Code.',
        ...(plain.length ? [`${listNames(plain)} ${plain.length > 1 ? 'are' : 'is'} not set either: Compose would use ${plain.length > 1 ? 'empty values' : 'an empty value'} (${plain.map((v) => v.at).join(', ')}).`] : []),
      ],
      actions: fromExample.length ? ['create-env-file', 'open-file', 'retry'] : ['open-file', 'retry'],
      ...(fromExample.length && example && envPath ? { envFile: { from: example.path, to: envPath } } : {}),
    });
  }
  const plainCovered = covered(plain);
  // With a blocker, the plain ones are one more step of it.
  if (!required.length && plainCovered.length && example && envPath) {
    issues.push({
      id: 'variable-unset',
      severity: 'warning',
      title: `${listNames(plain)} ${plain.length > 1 ? 'are' : 'is'} not set, so Compose will use ${plain.length > 1 ? 'empty values' : 'an empty value'}: there is no .env, but ${basename(example.path)} sets ${plainCovered.length === plain.length ? (plain.length > 1 ? 'them' : 'it') : listNames(plainCovered)}`,
      steps: [
        `Used at ${plain.map((v) => v.at).join(', ')}.`,
        ...exampleSteps(example, plainCovered, envPath),
      ],
      actions: ['create-env-file', 'open-file', 'start-anyway'],
      envFile: { from: example.path, to: envPath },
    });
  }
  return issues;
}

function listNames(vars: readonly PlannedVariable[]): string {
  const names = vars.map((v) => v.name);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]!;
}

function exampleSteps(example: Example | undefined, covered: readonly PlannedVariable[], envPath: string | undefined): string[] {
  if (!example || !covered.length || !envPath) return [];
  return [`There is no .env beside the Compose file, but ${basename(example.path)} sets ${listNames(covered)}: "Create .env from ${basename(example.path)}" copies it to ${envPath}; then fill in the values it leaves to you.`];
}

interface Example {
  path: string;
  sets: ReadonlySet<string>;
}

async function findExample(folder: string, deps: VariableDeps): Promise<Example | undefined> {
  for (const name of ENV_EXAMPLE_NAMES) {
    const path = join(folder, name);
    if (!(await deps.pathExists(path))) continue;
    const text = deps.readText ? await deps.readText(path) : undefined;
    return { path, sets: new Set(text === undefined ? [] : parseDotEnv(text).keys()) };
  }
  return undefined;
}
