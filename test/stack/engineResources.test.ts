/** The Docker engine's CPUs and memory (`docker info`), kept and sent to the language server once per change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineResourcesParams, LocalGpusParams } from '../../server/src/protocol';
import { EngineResourcesReporter } from '../../client/src/ui/engineResources';
import { LocalGpuReporter } from '../../client/src/ui/localGpus';

/** vscode.Memento's two methods the reporters use, over a Map. */
function memento() {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key: string, value: unknown) => void values.set(key, value) };
}

describe("the Docker engine's CPUs and memory for the language server", () => {
  it('sends them once per change, keeps the last when the engine does not say, and sends them again when the server starts', async () => {
    const state = memento();
    const engine: EngineResourcesParams[] = [];
    const reporter = new EngineResourcesReporter(state as never, (p) => engine.push(p));
    await reporter.update({ cpus: 2, memoryBytes: 25276502016 });
    await reporter.update({ cpus: 2, memoryBytes: 25276502016 });
    await reporter.update({});
    assert.deepEqual(engine, [{ cpus: 2, memoryBytes: 25276502016 }], 'sent once; an engine that did not say keeps the last reading');
    const later: EngineResourcesParams[] = [];
    new EngineResourcesReporter(state as never, (p) => later.push(p)).resend();
    assert.deepEqual(later, [{ cpus: 2, memoryBytes: 25276502016 }]);
  });

  it('is kept apart from the GPUs: one reporter never sends the other\'s reading', async () => {
    const state = memento();
    const gpus: LocalGpusParams[] = [];
    await new EngineResourcesReporter(state as never, () => undefined).update({ cpus: 8 });
    new LocalGpuReporter(state as never, (p) => gpus.push(p)).resend();
    assert.deepEqual(gpus, []);
  });
});
