/**
 * Pre-flight for a project that gets models from Docker Model Runner (top-level `models:`, or a `provider:` service
 * of `type: model`): Compose asks the `docker model` CLI plugin for them during `up`, so a plugin that is missing
 * or a runner that is off fails the start half-way. Checked here with `docker model status` (docker/model-runner
 * cmd/cli/commands/status.go: exit 0 and "Docker Model Runner is running", else exit 1 and "... is not running"; a
 * docker without the plugin says "'model' is not a docker command").
 *
 * Versions (docs.docker.com/ai/compose/models-and-compose/, "Requires: Docker Compose 2.38.0 and later"; `provider:`
 * services came with 2.35.0): an older Compose is a warning only, since a version string may not be what it seems.
 */
import type { CommandResult } from '../process/command';
import type { ComposeLookup } from '../process/composeCommand';
import { startedServices } from './profiles';
import type { PreflightIssue } from '../stackTypes';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';

export const MODEL_STATUS_TIMEOUT_MS = 20_000;

const ENABLE_STEPS: readonly string[] = [
  'Docker Desktop: Settings → AI → Enable Docker Model Runner (or run `docker desktop enable model-runner`).',
  'Docker Engine on Linux: install the `docker-model-plugin` package from Docker\'s apt or rpm repository (`sudo apt-get install docker-model-plugin`).',
  'Then check with `docker model status`: it should say "Docker Model Runner is running".',
];

/** The models the started services use (their profiles active): what `up` asks Model Runner for. */
export function modelsInUse(plan: StackPlan): string[] {
  const started = new Set(startedServices(plan).map((s) => s.name));
  return (plan.models ?? [])
    .filter((m) => (m.source === 'provider' ? started.has(m.name) : m.usedBy.some((u) => started.has(u))))
    .map((m) => m.name);
}

/** "2.38.1" from "v2.38.1-desktop.1"; undefined when it does not read as a version. */
function versionParts(version: string): number[] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function olderThan(version: string, wanted: readonly number[]): boolean {
  const v = versionParts(version);
  if (!v) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== wanted[i]) return v[i]! < wanted[i]!;
  return false;
}

/** Compose too old for what the file uses: v1 knows neither `models:` nor `provider:`. */
function composeVersionIssue(plan: StackPlan, compose: ComposeLookup | undefined): PreflightIssue | undefined {
  if (!compose?.found) return undefined;
  const { command } = compose;
  const needsModels = (plan.models ?? []).some((m) => m.source === 'models');
  const wanted = needsModels ? [2, 38, 0] : [2, 35, 0];
  const what = needsModels ? 'top-level `models:`' : '`provider:` services';
  if (command.flavour === 'v2' && !olderThan(command.version, wanted)) return undefined;
  return {
    id: 'model-runner-unavailable',
    severity: 'warning',
    title: `${command.argv.join(' ')} ${command.version} may not know ${what}: Docker Model Runner needs Docker Compose ${wanted.join('.')} or later`,
    steps: ['Update Docker Compose (Docker Desktop, or the `docker-compose-plugin` package), or set inferenceStack.composeCommand to a newer one.'],
    actions: ['open-settings', 'start-anyway'],
  };
}

/** What `docker model status` answered, as an issue; undefined when the runner is running. */
export function modelStatusIssue(models: readonly string[], status: CommandResult): PreflightIssue | undefined {
  if (!status.error && status.exitCode === 0) return undefined;
  const names = models.join(', ');
  const text = `${status.stdout}\n${status.stderr}`;
  const base = { id: 'model-runner-unavailable' as const, actions: ['retry' as const] };
  if (status.error?.code === 'ENOENT') {
    return { ...base, severity: 'blocker', title: `The project uses models (${names}) from Docker Model Runner, but the docker CLI was not found`, steps: ['Docker Model Runner is reached through the docker CLI\'s `model` plugin: install Docker (Desktop or Engine with its CLI).', ...ENABLE_STEPS] };
  }
  if (status.error?.code === 'ETIMEDOUT') {
    return { id: 'model-runner-unavailable', severity: 'warning', title: `\`docker model status\` did not answer within ${MODEL_STATUS_TIMEOUT_MS / 1000} s (models: ${names})`, steps: ['It may be installing the runner; `up` will wait for it too.', ...ENABLE_STEPS], actions: ['start-anyway', 'retry'] };
  }
  if (/is not a docker command|unknown command/i.test(text)) {
    return { ...base, severity: 'blocker', title: `The project uses models (${names}) but Docker Model Runner is not installed: \`docker model\` is not a docker command here`, steps: [...ENABLE_STEPS] };
  }
  if (/not running/i.test(text)) {
    return { ...base, severity: 'blocker', title: `The project uses models (${names}) but Docker Model Runner is not running`, steps: [...ENABLE_STEPS] };
  }
  const said = text.trim().split('\n').find((l) => l.trim()) ?? `exit code ${status.exitCode ?? '?'}`;
  return { ...base, severity: 'blocker', title: `The project uses models (${names}) but \`docker model status\` failed: ${said.trim().slice(0, 300)}`, steps: [...ENABLE_STEPS] };
}

/** The Model Runner issues of this plan: none when it uses no model. */
export async function modelRunnerIssues(plan: StackPlan, compose: ComposeLookup | undefined, status: () => Promise<CommandResult>): Promise<PreflightIssue[]> {
  const models = modelsInUse(plan);
  if (!models.length) return [];
  const issues: PreflightIssue[] = [];
  const version = composeVersionIssue(plan, compose);
  if (version) issues.push(version);
  const answered = modelStatusIssue(models, await status());
  if (answered) issues.push(answered);
  return issues;
}
