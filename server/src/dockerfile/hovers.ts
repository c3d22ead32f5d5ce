/**
 * What a hover shows in a Dockerfile: the engine's flag (or the flag a value belongs to) in the shipped
 * ENTRYPOINT / CMD, and an env var the engine reads in ENV: the same text as in Compose (engines/engineHovers.ts).
 */
import { isFlagToken } from '../core/commandWords';
import { envHover, flagHover, flagValueHover, type HoverText } from '../engines/engineHovers';
import { dockerfileCursorAt, envNameAt } from './cursor';
import { engineAt, launchWordAt } from './engineAt';

export function dockerfileHoverAt(text: string, offset: number): HoverText | undefined {
  const cursor = dockerfileCursorAt(text, offset);
  const found = cursor && engineAt(cursor);
  if (!cursor || !found) return undefined;
  if (cursor.keyword === 'ENV') {
    const name = envNameAt(cursor);
    return name && name.text !== '' ? envHover(found.engine, name.text, name.span) : undefined;
  }
  const launch = launchWordAt(cursor, found);
  if (!launch || launch.word.text === '') return undefined;
  const { word, argument } = launch;
  return isFlagToken(word.text) ? flagHover(found.engine, found.tag, word.text, word.span, offset) : flagValueHover(found.engine, found.tag, argument.previous, word.span);
}
