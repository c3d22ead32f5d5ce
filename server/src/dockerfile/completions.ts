/**
 * What to offer where the cursor is in a Dockerfile: the engine's flags and their values in the shipped
 * ENTRYPOINT / CMD, and the env vars the engine reads in ENV, decided as for Compose (engines/engineSuggestions.ts).
 * Reads only the text: no analysis runs for a request.
 */
import { argumentSuggestions, envSuggestions, type Suggestion } from '../engines/engineSuggestions';
import { dockerfileCursorAt, envNameAt } from './cursor';
import { engineAt, launchWordAt } from './engineAt';

export function dockerfileCompletionsAt(text: string, offset: number): Suggestion[] {
  const cursor = dockerfileCursorAt(text, offset);
  const found = cursor && engineAt(cursor);
  if (!cursor || !found) return [];
  if (cursor.keyword === 'ENV') {
    const name = envNameAt(cursor);
    // `NAME=value` written already: replace the name alone.
    return name ? envSuggestions(found.engine, { replace: name.span, written: name.written, insertText: (v) => (name.assigned ? v : `${v}=`) }) : [];
  }
  const launch = launchWordAt(cursor, found);
  return launch ? argumentSuggestions(launch.argument) : [];
}
