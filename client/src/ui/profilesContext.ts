/**
 * Sets PROFILES_CONTEXT_KEY whenever the controller's plan changes, so "Choose Compose Profiles" is offered (the
 * Services view's menu, the palette) only for a project that declares profiles, or when that is not known yet.
 */
import * as vscode from 'vscode';
import { PROFILES_CONTEXT_KEY, profilesContext } from '../stack/views/menuContext';
import type { StackController } from './stackController';

export function createProfilesContext(controller: StackController): vscode.Disposable {
  let last: string | undefined | null = null;
  const update = (): void => {
    const value = profilesContext(controller.state, controller.plan);
    if (value === last) return;
    last = value;
    void vscode.commands.executeCommand('setContext', PROFILES_CONTEXT_KEY, value);
  };
  update();
  return controller.onDidChange(update);
}
