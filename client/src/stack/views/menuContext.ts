/**
 * Context keys the extension's menus read (package.json `when` clauses), computed from where the stack stands.
 */
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import type { StackState } from './sidebarModel';

/** The context key "Choose Compose Profiles" is shown by. */
export const PROFILES_CONTEXT_KEY = 'inferenceStack.profiles';

/**
 * `declared`: the chosen project names profiles; `none`: it was read and names none (the command is hidden: it
 * would only say so); undefined while that is not known (no file chosen, the file unreadable, the plan not loaded
 * yet), so the command stays offered and says what it finds.
 */
export function profilesContext(state: StackState, plan: StackPlan | undefined): 'declared' | 'none' | undefined {
  if (!plan || state.kind === 'plan-error' || state.kind === 'no-compose-file' || plan.project === '') return undefined;
  return plan.declaredProfiles?.length ? 'declared' : 'none';
}
