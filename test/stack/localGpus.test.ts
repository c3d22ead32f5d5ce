/** This machine's GPUs, read from recorded nvidia-smi output, kept and sent to the language server once per change. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LocalGpusParams } from '../../server/src/protocol';
import { readGpuState } from '../../client/src/stack/gpu/gpus';
import { LocalGpuReporter } from '../../client/src/ui/localGpus';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'stack', 'fixtures', 'nvidia-smi', name), 'utf8');

/** vscode.Memento's two methods the reporter uses, over a Map. */
function memento() {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key: string, value: unknown) => void values.set(key, value), keys: () => [...values.keys()] };
}

describe("this machine's GPUs for the language server", () => {
  it('sends the GPUs nvidia-smi listed, once per change, and again when the server starts', async () => {
    const sent: LocalGpusParams[] = [];
    const state = memento();
    const reporter = new LocalGpuReporter(state as never, (p) => sent.push(p));
    const eight = readGpuState({ stdout: fixture('eight-gpus.query.csv'), stderr: '', exitCode: 0 });
    await reporter.update(eight);
    await reporter.update(eight);
    assert.equal(sent.length, 1, 'the same reading is not sent twice');
    assert.equal(sent[0]!.gpus.length, 8);
    assert.deepEqual(sent[0]!.gpus[0], { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 });

    // A later session: the stored reading goes to the new server without running nvidia-smi.
    const later: LocalGpusParams[] = [];
    new LocalGpuReporter(state as never, (p) => later.push(p)).resend();
    assert.deepEqual(later, [sent[0]]);
  });

  it('sends an empty list when nvidia-smi finds no GPU, and keeps the last reading on an nvidia-smi error', async () => {
    const sent: LocalGpusParams[] = [];
    const reporter = new LocalGpuReporter(memento() as never, (p) => sent.push(p));
    await reporter.update(readGpuState({ stdout: fixture('one-gpu.query.csv'), stderr: '', exitCode: 0 }));
    await reporter.update({ kind: 'error', message: 'Unable to determine the device handle' });
    await reporter.update(readGpuState({ stdout: '', stderr: '', exitCode: 0, error: { code: 'ENOENT', message: 'spawn nvidia-smi ENOENT' } }));
    assert.deepEqual(sent.map((p) => p.gpus.length), [1, 0]);
  });
});
