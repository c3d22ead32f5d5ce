/**
 * Custom messages between the extension client and the language server. Both sides import this module, so
 * a message's name and shape are defined once.
 */

/** Client → server: cold starts measured at the last real start of each service, in seconds. */
export const MEASURED_COLD_STARTS_NOTIFICATION = 'inferenceStack/measuredColdStarts';
export interface MeasuredColdStartsParams {
  /** The Compose file (absolute path) these services were started from; absent: they apply to every Compose file. */
  file?: string;
  /** Service name → seconds from container start to first healthy. Replaces what was sent for the same file. */
  services: Record<string, number>;
}

/**
 * Client → server: the NVIDIA GPUs of this machine, as nvidia-smi last listed them (empty: it found none). The memory
 * and GPU rules take them as the target when `inferenceStack.gpu` is not set: the stack commands start stacks here.
 */
export const LOCAL_GPUS_NOTIFICATION = 'inferenceStack/localGpus';
export interface LocalGpusParams {
  gpus: Array<{ name: string; memoryMiB: number }>;
}

/**
 * Client → server: the CPUs and memory of the Docker engine the stack commands reached last (`docker info` NCPU and
 * MemTotal, in bytes); empty when it did not say. resource-limits-missing sizes its fix from them.
 */
export const ENGINE_RESOURCES_NOTIFICATION = 'inferenceStack/engineResources';
export interface EngineResourcesParams {
  cpus?: number;
  memoryBytes?: number;
}

/** The settings section the server pulls per document. */
export const SETTINGS_SECTION = 'inferenceStack';

/** Diagnostic `source` of every finding. */
export const DIAGNOSTIC_SOURCE = 'inference-stack';

/** The code-action kind of the server's "fix all" source action (a sub-kind of `source.fixAll`). */
export const FIX_ALL_CODE_ACTION_KIND = 'source.fixAll.inference-stack';

/**
 * The command-palette command "Fix All" that the client registers: it asks the editor to apply the server's
 * FIX_ALL_CODE_ACTION_KIND source action to the active document.
 */
export const FIX_ALL_COMMAND = 'inferenceStack.fixAll';

/** Run by VS Code after a Fix All's edit is applied (the code action's command): says what it changed. */
export const FIX_ALL_DONE_COMMAND = 'inferenceStack.fixAllDone';

/**
 * The client's command that opens a rule's page, shipped in the extension (docs/rules/<id>.md), in VS Code's Markdown
 * preview. Arguments: the rule id, then the published page (opened instead when the shipped one is missing).
 */
export const OPEN_RULE_DOC_COMMAND = 'inferenceStack.openRuleDoc';

/** Where each rule's page is published (`<base><rule id>.md`): the CLI's SARIF, editors other than ours, and our
 *  client when the extension lacks a page. */
export const RULE_DOCS_BASE = 'https://github.com/inference-stack/inference-stack/blob/main/docs/rules/';

/**
 * How a diagnostic links its rule's page: `web`, the published page (any editor; the CLI's SARIF always names it);
 * `command`, a command link to OPEN_RULE_DOC_COMMAND, for the extension's own client, which ships the pages.
 */
export type RuleDocsLink = 'web' | 'command';

/** What the client tells the server when it starts it (LSP `initializationOptions`). */
export interface InitializationOptions {
  /** Absent: `web`. */
  ruleDocs?: RuleDocsLink;
}

/** The client's "Start Inference Stack"; the "Start" code lens above `services:` runs it with the file's URI. */
export const START_STACK_COMMAND = 'inferenceStack.start';

export interface InferenceStackSettings {
  enable: boolean;
  coldStartSeconds: number | null;
  /** `inferenceStack.gpu`: a GPU name from engines/facts/gpus.json or its memory in GiB; null: unknown. */
  gpu?: string | number | null;
  rules: Record<string, 'off' | 'error' | 'warning' | 'info' | 'hint'>;
  /** `inferenceStack.inlayHints.enabled`: the cold-start and healthcheck give-up hints (default on). */
  inlayHints?: { enabled?: boolean };
  /** `inferenceStack.modelFacts.fromHub`: fetch config.json of models the table lacks from the Hub (default off). */
  modelFacts?: { fromHub?: boolean };
}

export const DEFAULT_SETTINGS: InferenceStackSettings = { enable: true, coldStartSeconds: null, rules: {} };
