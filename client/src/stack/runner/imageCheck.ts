/**
 * Pre-flight for the images Compose will need: those of started services with `image:` and no `build:`. An image the
 * engine lacks is normal (Compose pulls it); it is worth saying only when the pull cannot work:
 * - The engine, asked to look the image up in its registry (dockerApi.ts registryAnswer: what a pull resolves first),
 *   cannot reach it: a blocker quoting the engine. Found with dockerd 20.10 and no route to Docker Hub: the lookup
 *   answers at once "Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io …: no such host",
 *   and docker-compose 1.29 `up` then fails with that very line after "Pulling vllm (vllm/vllm-openai:v0.11.0)...".
 * - The registry answers with another error: a warning, since the lookup is made without credentials and Compose pulls
 *   with those `docker login` stored. Two answers are told apart, as dockerd 20.10 gave them here for a registry on
 *   127.0.0.1 (test/docker/registryAnswers.test.ts): "manifest unknown" ("manifest unknown: manifest unknown" when the
 *   registry adds a detail): the registry has the repository but not that tag, a wrong tag that credentials rarely
 *   mend; and "errors:\ndenied: requested access to the resource is denied\nunauthorized…\n" or "denied": private, or
 *   no such repository.
 * - `pull_policy: never` with Compose v2: Compose does not pull (docker/compose f7297942 pkg/compose/pull.go
 *   `mustPull`: never and build return false), so creating the container fails with the engine's "No such image: …"
 *   (dockerd 20.10's answer to a create of a missing image, seen here). A blocker. docker-compose 1.29 ignores
 *   pull_policy (it pulls anyway, seen here), so not for v1.
 * Each engine call is bounded (IMAGE_CHECK_TIMEOUT_MS); no answer in time says nothing. The images' sizes are not
 * known without fetching their manifests, so nothing is said about them.
 */
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import type { ComposeFlavour } from '../process/composeCommand';
import type { PreflightIssue } from '../stackTypes';
import { startedServices } from './profiles';

export interface ImageDeps {
  /** Whether the engine has the image; undefined when it did not say. */
  imageOnEngine(image: string): Promise<boolean | undefined>;
  /** The engine's lookup of the image in its registry; undefined when no answer came in time. */
  registryAnswer?(image: string): Promise<{ ok: true } | { ok: false; message: string } | undefined>;
}

/** Errors that say the engine cannot reach the registry at all (Go's net/http and net errors). */
const UNREACHABLE = /dial tcp|no such host|i\/o timeout|connection refused|network is unreachable|no route to host|TLS handshake timeout|Client\.Timeout|context deadline exceeded|server misbehaving|proxyconnect/i;

/** The registry host of an image reference (docker's reference rules: a first part with `.` or `:`, or localhost). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

export async function imageIssues(plan: StackPlan, deps: ImageDeps, flavour: ComposeFlavour | undefined): Promise<PreflightIssue[]> {
  const byImage = new Map<string, PlannedService[]>();
  for (const s of startedServices(plan)) {
    if (!s.image) continue;
    const list = byImage.get(s.image) ?? [];
    list.push(s);
    byImage.set(s.image, list);
  }
  const checks = await Promise.all([...byImage].map(async ([image, services]) => issueFor(image, services, deps, flavour)));
  return checks.filter((i): i is PreflightIssue => i !== undefined);
}

async function issueFor(image: string, services: readonly PlannedService[], deps: ImageDeps, flavour: ComposeFlavour | undefined): Promise<PreflightIssue | undefined> {
  const present = await deps.imageOnEngine(image);
  if (present !== false) return undefined;
  const names = services.map((s) => s.name).join(', ');
  const never = services.find((s) => s.pullPolicy === 'never');
  if (never && flavour !== 'v1') {
    return {
      id: 'image-unavailable',
      severity: 'blocker',
      service: never.name,
      title: `${never.name} runs the image ${image}, which is not on this Docker engine, and pull_policy: never stops Compose from pulling it`,
      steps: [
        'Compose creates the container from the engine\'s own images only, so `up` fails for this service.',
        `Put the image on this engine (docker pull ${image}, or docker load from a saved copy), or set pull_policy: missing in the Compose file.`,
      ],
      actions: ['open-file', 'retry'],
    };
  }
  const answer = await deps.registryAnswer?.(image);
  if (!answer || answer.ok) return undefined;
  const registry = registryOf(image);
  if (UNREACHABLE.test(answer.message)) {
    return {
      id: 'image-unavailable',
      severity: 'blocker',
      service: services[0]!.name,
      title: `${names} ${services.length > 1 ? 'run' : 'runs'} the image ${image}, which is not on this Docker engine, and the engine cannot reach ${registry} to pull it`,
      steps: [
        `The engine's answer: ${answer.message}`,
        'Compose pulls the image at `up` and fails with the same message.',
        `Put the image on this engine without a registry (docker save ${image} on a machine that has it, docker load here), or give the engine a way to the registry (its network, a proxy in the engine's settings, a registry mirror), then retry.`,
      ],
      actions: ['retry', 'open-file'],
    };
  }
  // A registry that answers: a warning (the lookup had no credentials), with what the answer points at.
  const missingTag = MANIFEST_UNKNOWN.test(answer.message);
  return {
    id: 'image-unavailable',
    severity: 'warning',
    service: services[0]!.name,
    title: `${names} ${services.length > 1 ? 'run' : 'runs'} the image ${image}, which is not on this Docker engine, and ${registry} ${missingTag ? 'has no image under that tag' : 'did not give it without credentials'}`,
    steps: [
      `The registry's answer, asked without credentials: ${registrySaid(answer.message)}`,
      missingTag
        ? `The repository answers but that tag does not exist there: check the tag (a typo, or a version not yet published). docker pull ${image} shows the same answer.`
        : `Compose pulls with the credentials \`docker login ${registry}\` stored, so the pull may still work. If it does not, log in, or check the image's name and tag.`,
    ],
    actions: ['start-anyway', 'retry', 'open-file'],
  };
}

/** The registry's "manifest unknown" (distribution's MANIFEST_UNKNOWN), as the engine passes it on. */
const MANIFEST_UNKNOWN = /\bmanifest unknown\b/i;

/**
 * The engine's text on one line: a registry's error list comes as "errors:\ndenied: …\nunauthorized: …\n"
 * (dockerd 20.10), read here as "denied: …; unauthorized: …".
 */
export function registrySaid(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'errors:');
  return lines.join('; ');
}
