// "New Inference Stack…" and `inference-stack new`: from the answers to the files of a stack that lints clean. Pure:
// the VS Code wizard (client/src/ui/newStackCommand.ts) and the CLI (server/src/cli/new.ts) ask the questions, with
// the validators of answers.ts, and write what newStackFiles returns.

import { validateAnswers, type NewStackAnswers, type StackFile } from './answers';
import { PRODUCTION_START_COMMAND, productionStackFiles } from './productionStack';
import { singleStackFiles, singleStartCommand } from './singleStack';

export * from './answers';
export { ENGINE_CHOICES, engineChoice, SCAFFOLD_ENGINE_IDS, type EngineChoice, type ScaffoldEngineId } from './scaffoldEngines';
export { yamlScalar } from './composeText';

/** The stack's files, paths relative to its folder. Throws on answers validateAnswers refuses. */
export function newStackFiles(answers: NewStackAnswers): StackFile[] {
  const errors = validateAnswers(answers);
  if (errors.length) throw new Error(`Cannot write the stack: ${errors.join(' ')}`);
  return answers.template === 'production' ? productionStackFiles(answers) : singleStackFiles(answers);
}

/** The command that starts the written stack, run in its folder once `.env` is filled in. */
export function startCommand(answers: NewStackAnswers): string {
  return answers.template === 'production' ? PRODUCTION_START_COMMAND : singleStartCommand(answers);
}
