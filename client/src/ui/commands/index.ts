/**
 * The stack commands, one file each (or per noun) beside this one. Each one gathers what the person chose, calls the
 * same functions the Docker tests call (stackRunner.ts startStack / stopStack / restartService, probe.ts runProbe,
 * probeScript.ts) and shows the outcome. Commands that start or stop containers check workspace trust here as well
 * as through `enablement`.
 */
import { newStack } from '../newStackCommand';
import type { StackCommand } from '../stackIds';
import { chooseComposeFile, composeFileArg } from './composeFile';
import { serviceArg, type Ctx } from './context';
import { filterLogs, setLogLevel, toggleProbeRequests } from './logView';
import { loadTest } from './loadTest';
import { probe } from './probe';
import { chooseProfilesCommand } from './profiles';
import { restart } from './restartService';
import { copyChatCurl, openInBrowser, openShell, showContainerInspect, tryTheModel } from './serviceActions';
import { start } from './start';
import { stop } from './stop';
import { tailAllLogs, tailLogs } from './tailLogs';
import { writeProbeScript } from './writeProbeScript';

/** The handler of every stack command; extension.ts registers the ids at activation and forwards to these. */
export function stackCommandHandlers(ctx: Ctx): Record<StackCommand, (...args: unknown[]) => unknown> {
  return {
    'inferenceStack.start': (arg) => start(ctx, composeFileArg(arg)),
    'inferenceStack.stop': () => stop(ctx),
    'inferenceStack.restartService': (arg) => restart(ctx, serviceArg(arg)),
    'inferenceStack.tailLogs': (arg) => tailLogs(ctx, serviceArg(arg)),
    'inferenceStack.runProbe': (arg) => probe(ctx, serviceArg(arg)),
    'inferenceStack.runLoadTest': (arg) => loadTest(ctx, serviceArg(arg)),
    'inferenceStack.refresh': () => ctx.controller.refresh(),
    'inferenceStack.chooseComposeFile': () => chooseComposeFile(ctx, true),
    'inferenceStack.chooseProfiles': () => chooseProfilesCommand(ctx),
    'inferenceStack.tailAllLogs': () => tailAllLogs(ctx),
    'inferenceStack.setLogLevel': () => setLogLevel(ctx),
    'inferenceStack.filterLogs': () => filterLogs(ctx),
    'inferenceStack.toggleProbeRequests': () => toggleProbeRequests(ctx),
    'inferenceStack.writeProbeScript': () => writeProbeScript(ctx),
    'inferenceStack.openServiceInBrowser': (arg) => openInBrowser(ctx, serviceArg(arg)),
    'inferenceStack.copyChatCurl': (arg) => copyChatCurl(ctx, serviceArg(arg)),
    'inferenceStack.tryModel': (arg) => tryTheModel(ctx, serviceArg(arg)),
    'inferenceStack.openServiceShell': (arg) => openShell(ctx, serviceArg(arg)),
    'inferenceStack.showContainerInspect': (arg) => showContainerInspect(ctx, serviceArg(arg)),
    // The new stack becomes the chosen one: the next Start starts it.
    'inferenceStack.newStack': async () => {
      const written = await newStack();
      if (written) await ctx.controller.setComposeFile(written);
    },
  };
}
