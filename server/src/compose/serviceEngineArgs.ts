/**
 * The engine arguments of a Compose service, as the engine will see them: after the launcher words its
 * `entrypoint:` / `command:` run, or all of `command:` when the image's own ENTRYPOINT starts the engine.
 */
import type { ArgList } from './command';
import { argListWords } from './commandEdits';
import type { ComposeFile } from './composeFile';
import { interpolate, suppliedBy } from './interpolation';
import { startedByImageEntrypoint, type ServiceInfo } from './service';
import { wordsOf, type Word } from '../engines/engineArgv';
import { parseImageRef } from '../engines/engines';
import { imageServer, launchedEngine, type LaunchedEngine } from '../engines/engineLaunch';
import type { EngineParser } from '../engines/engineParsers';

export interface ServiceEngineArgs {
  /** The engine's arguments, when the service starts an engine whose flags are known. */
  launched: LaunchedEngine | undefined;
  /** The engine the image's own ENTRYPOINT starts (no `entrypoint:` override), if any. */
  imageEntrypoint: EngineParser | undefined;
  /** The words of `command:`. */
  command: Word[];
  /** The image tag, `.env` applied; undefined when there is none. */
  tag: string | undefined;
  /** "set by ${TAG}" when a variable supplied the image. */
  tagSuppliedBy: string | undefined;
}

export function serviceEngineArgs(file: ComposeFile, info: ServiceInfo): ServiceEngineArgs {
  // A service built FROM an engine image that keeps its entrypoint runs the engine too: its base image counts.
  const named = info.detectedBy === 'build' && startedByImageEntrypoint(info) ? info.built?.baseImage : info.image;
  const image = named === undefined ? undefined : interpolate(named, file.dotEnv);
  const entrypoint = composeWords(file, info.entrypoint);
  const command = composeWords(file, info.command);
  const imageEntrypoint = info.entrypoint ? undefined : imageServer(image ?? named);
  const found = launchedEngine([...entrypoint, ...command], file.text);
  return {
    launched: found ?? (imageEntrypoint ? { parser: imageEntrypoint, args: command, viaImageEntrypoint: true } : undefined),
    imageEntrypoint,
    command,
    tag: image === undefined ? undefined : parseImageRef(image).tag,
    tagSuppliedBy: named === undefined ? undefined : suppliedBy(named, file.dotEnv),
  };
}

/** The words of `command:` / `entrypoint:`; editable only when each has its own exact span in the file. */
function composeWords(file: ComposeFile, args: ArgList | undefined): Word[] {
  return args ? wordsOf(file.text, args.tokens, argListWords(args)) : [];
}
