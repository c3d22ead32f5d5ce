/**
 * One step of a multi-step input (a pick or a typed value) with VS Code's step counter ("2/7") and a Back button:
 * what showQuickPick and showInputBox cannot do. Each step resolves to its answer, BACK, or undefined (Escape).
 */
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type StepAnswer<T> = T | typeof BACK | undefined;

export interface StepPlace {
  title: string;
  step: number;
  totalSteps: number;
}

export function pickStep<T extends vscode.QuickPickItem>(place: StepPlace, items: readonly T[], options: { placeholder: string; matchOnDescription?: boolean; active?: T }): Promise<StepAnswer<T>> {
  const pick = vscode.window.createQuickPick<T>();
  pick.items = items;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = !!options.matchOnDescription;
  if (options.active) pick.activeItems = [options.active];
  return run(pick, place, (resolve) => [pick.onDidAccept(() => pick.selectedItems[0] && resolve(pick.selectedItems[0]))]);
}

export function inputStep(place: StepPlace, options: { prompt: string; value: string; validate: (text: string) => string | undefined }): Promise<StepAnswer<string>> {
  const box = vscode.window.createInputBox();
  box.prompt = options.prompt;
  box.value = options.value;
  const validate = () => {
    box.validationMessage = options.validate(box.value);
  };
  validate();
  return run(box, place, (resolve) => [
    box.onDidChangeValue(validate),
    box.onDidAccept(() => {
      validate();
      if (!box.validationMessage) resolve(box.value);
    }),
  ]);
}

function run<T>(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, place: StepPlace, wire: (resolve: (answer: T) => void) => vscode.Disposable[]): Promise<StepAnswer<T>> {
  input.title = place.title;
  input.step = place.step;
  input.totalSteps = place.totalSteps;
  input.ignoreFocusOut = true;
  input.buttons = place.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let answer: StepAnswer<T>;
    const done = (a: StepAnswer<T>) => {
      answer = a;
      input.hide();
    };
    const subs = [
      ...wire((a) => done(a)),
      input.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
      input.onDidHide(() => {
        for (const s of subs) s.dispose();
        input.dispose();
        resolve(answer);
      }),
    ];
    input.show();
  });
}
