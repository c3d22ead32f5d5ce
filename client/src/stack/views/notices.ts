/**
 * The notifications that quote what a model server answered, what a container printed or what the workspace's
 * settings name: built here, without VS Code, so the security tests can feed them link payloads (ui/notify.ts shows
 * them, link-free). Such text is cut short here; the output channel has all of it.
 */
import { quoteText, type ProbeCase, type ProbeRun } from '../probe/probe';

/** Longest quoted text in a notification (VS Code itself cuts a message at 1000 characters, mid-word). */
const QUOTE_MAX = 300;

/** `text` on one line, at most QUOTE_MAX characters. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > QUOTE_MAX ? `${line.slice(0, QUOTE_MAX)}… (the output has all of it)` : line;
}

/** After "Run Accuracy Probe": the first case and its answer when all passed, else the first failure's reason. */
export function probeNotice(service: string, run: ProbeRun): string {
  if (run.pass) {
    const r = run.results[0];
    return `Probe passed on ${service}${r ? `: ${r.name} → ${quoteText(r.answer ?? '')} (${r.latencyMs} ms)` : ''}.`;
  }
  const failure = run.modelFailure ?? run.results.find((r) => !r.pass)?.failure;
  return `Probe failed on ${service}: ${failure ? quote(failure.message) : 'see the output'}`;
}

/** Start gave up: `reason` names the service and may quote its healthcheck output or its last fatal log line. */
export function startFailedNotice(project: string, reason: string): string {
  return `${project} did not start: ${quote(reason)}`;
}

/** The service has no published port for its API (or is not running). */
/** `action`: what needs the port ("the probe", "Copy curl for Chat"…). */
export function noProbePortNotice(service: string, apiPort: number | undefined, action = 'the probe'): string {
  return `Inference Stack: ${service} publishes no port for its API${apiPort ? ` (container port ${apiPort})` : ''}, or it is not running: ${action} needs a published port.`;
}

/** inferenceStack.probe.cases holds cases that cannot be sent: each by its name (or place) and why. */
export function invalidProbeCasesNotice(errors: readonly (readonly [ProbeCase, number, string | undefined])[]): string {
  return `Inference Stack: inferenceStack.probe.cases: ${errors.map(([c, i, e]) => `${c.name ?? `case ${i + 1}`}: ${e}`).join('; ')}`;
}
