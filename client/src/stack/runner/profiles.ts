// Compose profiles (compose.json `profiles`): a service that names profiles starts only when one of them is active;
// services without `profiles:` always start. AI starter kits use them for hardware variants (`cpu`, `gpu-nvidia`,
// `gpu-amd` of one Ollama service), so what a start brings up, pre-flights and waits for depends on the choice.
import type { PlannedService, StackPlan } from '../../../../server/src/compose/stackPlanTypes';

/** Compose v2's "every profile" value (COMPOSE_PROFILES=* or --profile '*'). */
const ALL = '*';

/** Whether compose starts `service` with `active` profiles. */
export function startsWithProfiles(service: Pick<PlannedService, 'profiles'>, active: readonly string[]): boolean {
  const own = service.profiles ?? [];
  return own.length === 0 || active.includes(ALL) || own.some((p) => active.includes(p));
}

/** The services a start of `plan` brings up: pre-flight checks these and the runner waits for these. */
export function startedServices(plan: Pick<StackPlan, 'services' | 'activeProfiles'>): PlannedService[] {
  return plan.services.filter((s) => startsWithProfiles(s, plan.activeProfiles ?? []));
}

/** `plan` with `profiles` active (only those it declares, in its order; `*` kept). */
export function withActiveProfiles(plan: StackPlan, profiles: readonly string[]): StackPlan {
  const declared = plan.declaredProfiles ?? [];
  const active = profiles.includes(ALL) ? [ALL] : declared.filter((p) => profiles.includes(p));
  const { activeProfiles: _previous, ...rest } = plan;
  return active.length ? { ...rest, activeProfiles: active } : rest;
}

/** Each declared profile with the services it starts, for the picker. */
export function profileChoices(plan: StackPlan): { profile: string; services: string[] }[] {
  return (plan.declaredProfiles ?? []).map((profile) => ({ profile, services: plan.services.filter((s) => s.profiles?.includes(profile)).map((s) => s.name) }));
}

/** "profiles gpu-nvidia, monitoring" for titles; empty without active profiles. */
export function describeActiveProfiles(plan: StackPlan): string {
  const active = plan.activeProfiles ?? [];
  if (!active.length) return '';
  return active.includes(ALL) ? 'every profile' : `profile${active.length > 1 ? 's' : ''} ${active.join(', ')}`;
}
