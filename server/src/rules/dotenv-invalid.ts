import { parseDotEnvFile } from '../compose/dotenv';
import type { Rule } from './rule';

/**
 * A `.env` that compose-go's parser rejects (compose/dotenv.ts): Compose stops with "failed to read .env: ...".
 * Reported in the `.env` itself, at the problem, with compose-go's message less any part of a value (a `.env`
 * holds tokens). A `${VAR:?}` whose VAR the shell may export is not reported: only what fails whatever the shell.
 */
export const rule: Rule = {
  meta: {
    id: 'dotenv-invalid',
    defaultSeverity: 'error',
    title: 'A .env file Compose cannot read: an unterminated quote, a space in a key, an invalid ${...}',
    appliesTo: ['dotenv'],
    fixable: false,
  },
  dotenv(ctx) {
    for (const error of parseDotEnvFile(ctx.text).errors) {
      if (error.certain) ctx.report({ span: { start: error.start, end: error.end }, message: `failed to read .env: ${error.safeMessage}` });
    }
  },
};
