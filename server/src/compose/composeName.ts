/**
 * Compose's rule for service names: the compose-spec schema's `services` patternProperties `^[a-zA-Z0-9._-]+$`
 * (compose-spec schema/compose-spec.json; compose-go validates the file against it, so `docker compose up` refuses
 * a file with any other name). Project names are stricter still (stackPlan.ts normalizeProjectName).
 */
const COMPOSE_NAME = /^[a-zA-Z0-9._-]+$/;

/** True for a name Compose accepts for a service: letters, digits, `.`, `_` and `-`, at least one. */
export function isComposeName(name: string): boolean {
  return COMPOSE_NAME.test(name);
}
