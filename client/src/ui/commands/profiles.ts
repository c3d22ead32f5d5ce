/** "Choose Compose Profiles", and the pick Start shows for a file that declares profiles. */
import * as vscode from 'vscode';
import { profileChoices, withActiveProfiles } from '../../stack/runner/profiles';
import type { StackPlan } from '../../../../server/src/compose/stackPlanTypes';
import { showInfo } from '../notify';
import type { Ctx } from './context';
import { planFor } from './prepare';

/**
 * The plan with the profiles to start: the remembered choice, else (for a file that declares profiles) a pick,
 * preselected from COMPOSE_PROFILES. Undefined when the person dismissed the pick.
 */
export async function withProfiles(ctx: Ctx, plan: StackPlan, always: boolean): Promise<StackPlan | undefined> {
  if (!plan.declaredProfiles) {
    if (always) void showInfo(`Inference Stack: ${vscode.workspace.asRelativePath(plan.file)} declares no profiles: every service starts.`);
    return plan;
  }
  if (!always && ctx.controller.chosenProfiles(plan.file) !== undefined) return plan;
  const active = plan.activeProfiles ?? [];
  const picked = await vscode.window.showQuickPick(
    profileChoices(plan).map(({ profile, services }) => ({ label: profile, description: services.join(', '), picked: active.includes(profile) || active.includes('*') })),
    {
      canPickMany: true,
      title: `Inference Stack: Compose profiles for ${plan.project}`,
      placeHolder: 'Services without profiles always start; check the profiles whose services start with them (remembered for this file)',
    },
  );
  if (!picked) return undefined;
  await ctx.controller.setProfiles(plan.file, picked.map((p) => p.label));
  return withActiveProfiles(plan, picked.map((p) => p.label));
}

export async function chooseProfilesCommand(ctx: Ctx): Promise<void> {
  const plan = await planFor(ctx);
  if (plan) await withProfiles(ctx, plan, true);
}
