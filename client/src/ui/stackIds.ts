/** Ids shared by extension.ts (which registers them before the stack bundle loads) and the bundle. No imports. */
export const STACK_COMMANDS = [
  'inferenceStack.start',
  'inferenceStack.stop',
  'inferenceStack.restartService',
  'inferenceStack.tailLogs',
  'inferenceStack.runProbe',
  'inferenceStack.runLoadTest',
  'inferenceStack.refresh',
  'inferenceStack.chooseComposeFile',
  'inferenceStack.chooseProfiles',
  'inferenceStack.tailAllLogs',
  'inferenceStack.setLogLevel',
  'inferenceStack.filterLogs',
  'inferenceStack.toggleProbeRequests',
  'inferenceStack.writeProbeScript',
  'inferenceStack.newStack',
  'inferenceStack.openServiceInBrowser',
  'inferenceStack.copyChatCurl',
  'inferenceStack.tryModel',
  'inferenceStack.openServiceShell',
  'inferenceStack.showContainerInspect',
] as const;
export type StackCommand = (typeof STACK_COMMANDS)[number];

export const SERVICES_VIEW = 'inferenceStack.services';
export const GPUS_VIEW = 'inferenceStack.gpus';
export const PROBE_VIEW = 'inferenceStack.probe';
