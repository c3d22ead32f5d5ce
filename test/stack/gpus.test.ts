/**
 * The GPU view's data on recorded nvidia-smi output (fixtures/nvidia-smi/; written from nvidia-smi's documented
 * format, and h100*.recorded.*: real output of the same commands on an H100, see fixtures/README.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  GPU_LIST_COMMAND,
  GPU_QUERY_COMMAND,
  NO_GPU_HINTS,
  describeGpu,
  parseGpuList,
  parseGpuQuery,
  readGpuState,
  type Gpu,
  type GpuState,
} from '../../client/src/stack/gpu/gpus';
import type { CommandResult } from '../../client/src/stack/process/command';

const ROOT = join(__dirname, '..', '..', '..');
const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'stack', 'fixtures', 'nvidia-smi', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
const failed = (stdout: string, exitCode: number, stderr = ''): CommandResult => ({ stdout, stderr, exitCode });

function gpusOf(state: GpuState): readonly Gpu[] {
  assert.equal(state.kind, 'gpus', JSON.stringify(state));
  return (state as Extract<GpuState, { kind: 'gpus' }>).gpus;
}

describe('the commands', () => {
  it('query the fields the view shows, one CSV line per GPU without units', () => {
    assert.deepEqual(GPU_QUERY_COMMAND, {
      file: 'nvidia-smi',
      args: ['--query-gpu=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,mig.mode.current', '--format=csv,noheader,nounits'],
    });
    assert.deepEqual(GPU_LIST_COMMAND, { file: 'nvidia-smi', args: ['-L'] });
  });

  it('test/device/gpu-check.sh runs exactly these commands', () => {
    const script = readFileSync(join(ROOT, 'test', 'device', 'gpu-check.sh'), 'utf8');
    assert.ok(script.includes(`QUERY_ARGS=(${GPU_QUERY_COMMAND.args.join(' ')})`), 'QUERY_ARGS differs from GPU_QUERY_COMMAND');
    assert.ok(script.includes(`LIST_ARGS=(${GPU_LIST_COMMAND.args.join(' ')})`), 'LIST_ARGS differs from GPU_LIST_COMMAND');
  });
});

describe('readGpuState: GPUs', () => {
  it('one GPU (RTX 4090, MIG not supported: [N/A])', () => {
    const gpus = gpusOf(readGpuState(ok(fixture('one-gpu.query.csv')), ok(fixture('one-gpu.list.txt'))));
    assert.deepEqual(gpus, [
      {
        index: 0,
        uuid: 'GPU-21636369-8b52-4b4a-97b7-50923ceb3ffd',
        name: 'NVIDIA GeForce RTX 4090',
        memoryUsedMiB: 21870,
        memoryTotalMiB: 24564,
        utilizationPercent: 97,
        temperatureC: 66,
        migDevices: [],
      },
    ]);
    // 21870 / 1024 = 21.36 → 21.4; 24564 / 1024 = 23.99 → 24.0
    assert.deepEqual(describeGpu(gpus[0]!), { label: '0: NVIDIA GeForce RTX 4090', description: '21.4/24.0 GiB · 97% · 66°C' });
  });

  it('recorded on a real H100 (driver 580.159.04): idle, then under a 20 GiB matmul load', () => {
    const list = ok(fixture('h100.recorded.list.txt'));
    const idle = gpusOf(readGpuState(ok(fixture('h100-idle.recorded.query.csv')), list));
    const busy = gpusOf(readGpuState(ok(fixture('h100-busy.recorded.query.csv')), list));
    const base = { index: 0, uuid: 'GPU-02636810-a859-804f-7e2c-07feb88a8261', name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, migEnabled: false, migDevices: [] };
    assert.deepEqual(idle, [{ ...base, memoryUsedMiB: 0, utilizationPercent: 0, temperatureC: 38 }]);
    assert.deepEqual(busy, [{ ...base, memoryUsedMiB: 21455, utilizationPercent: 100, temperatureC: 58 }]);
    // The table nvidia-smi printed at the same moment shows the same numbers the view reads from the CSV.
    assert.match(fixture('h100-busy.recorded.table.txt'), /21455MiB \/  81559MiB \|\s+100%/);
    assert.deepEqual(describeGpu(busy[0]!), { label: '0: NVIDIA H100 80GB HBM3', description: '21.0/79.6 GiB · 100% · 58°C' });
  });

  it('eight H100 80GB HBM3 under tensor parallelism', () => {
    const gpus = gpusOf(readGpuState(ok(fixture('eight-gpus.query.csv')), ok(fixture('eight-gpus.list.txt'))));
    assert.deepEqual(
      gpus.map((g) => g.index),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.ok(gpus.every((g) => g.name === 'NVIDIA H100 80GB HBM3' && g.memoryTotalMiB === 81559 && g.migEnabled === false));
    assert.deepEqual(
      gpus.map((g) => g.memoryUsedMiB),
      [73414, 73398, 73398, 73398, 73398, 73398, 73398, 73382],
    );
    assert.deepEqual(
      gpus.map((g) => g.utilizationPercent),
      [100, 98, 99, 97, 100, 96, 98, 99],
    );
    assert.deepEqual(
      gpus.map((g) => g.temperatureC),
      [54, 49, 52, 47, 55, 50, 53, 48],
    );
    assert.equal(gpus[7]!.uuid, 'GPU-ed038db4-de38-4784-a6d0-b944a2863a7f');
    // 73414 / 1024 = 71.69 → 71.7; 81559 / 1024 = 79.65 → 79.6
    assert.deepEqual(describeGpu(gpus[0]!), { label: '0: NVIDIA H100 80GB HBM3', description: '71.7/79.6 GiB · 100% · 54°C' });
  });

  it('MIG: no utilization (not NaN) on the MIG GPU, its MIG devices listed from -L', () => {
    const gpus = gpusOf(readGpuState(ok(fixture('mig.query.csv')), ok(fixture('mig.list.txt'))));
    assert.equal(gpus.length, 2);
    const [mig, whole] = gpus as [Gpu, Gpu];
    assert.equal('utilizationPercent' in mig, false, '[N/A] must be absent, not NaN');
    assert.equal(mig.migEnabled, true);
    assert.equal(mig.memoryUsedMiB, 12683);
    assert.deepEqual(mig.migDevices, [
      { index: 0, profile: '3g.40gb', uuid: 'MIG-0af438d2-9752-4d6a-b51e-8722c21b6092' },
      { index: 1, profile: '2g.20gb', uuid: 'MIG-d2d58443-07f0-42ce-87b3-17d94d1fe09f' },
      { index: 2, profile: '1g.10gb', uuid: 'MIG-98418117-7906-4596-84f9-794cdd933160' },
    ]);
    assert.equal(whole.migEnabled, false);
    assert.equal(whole.utilizationPercent, 0);
    assert.deepEqual(whole.migDevices, []);
    // 12683 / 1024 = 12.39 → 12.4
    assert.deepEqual(describeGpu(mig), { label: '0: NVIDIA H100 80GB HBM3', description: '12.4/79.6 GiB · MIG · 41°C · 3 MIG devices' });
  });

  it('without -L, or when -L fails, the GPUs still show (no MIG devices)', () => {
    assert.deepEqual(gpusOf(readGpuState(ok(fixture('mig.query.csv'))))[0]!.migDevices, []);
    assert.deepEqual(gpusOf(readGpuState(ok(fixture('mig.query.csv')), failed('error', 255)))[0]!.migDevices, []);
  });

  it('[Not Supported], [Unknown Error] and bare N/A read as absent', () => {
    const [gpu] = parseGpuQuery('0, GPU-0a1b2c3d-0000-4000-8000-000000000001, Tesla T4, [Not Supported], [Not Supported], N/A, [Unknown Error], [N/A]\n');
    assert.deepEqual(gpu, { index: 0, uuid: 'GPU-0a1b2c3d-0000-4000-8000-000000000001', name: 'Tesla T4', migDevices: [] });
    assert.deepEqual(describeGpu(gpu!), { label: '0: Tesla T4', description: 'memory n/a · util n/a' });
  });

  it('reads CRLF output and skips rows that do not fit; a name with a comma stays whole', () => {
    const gpus = parseGpuQuery(
      [
        '0, GPU-a, NVIDIA A100-SXM4-80GB, 100, 81920, 5, 30, Disabled',
        'garbage line',
        'x, GPU-b, NVIDIA A100-SXM4-80GB, 100, 81920, 5, 30, Disabled',
        '1, GPU-c, Some GPU, Rev. B, 1, 2, 3, 4, Disabled',
        '',
      ].join('\r\n'),
    );
    assert.deepEqual(
      gpus.map((g) => [g.index, g.name, g.memoryUsedMiB]),
      [
        [0, 'NVIDIA A100-SXM4-80GB', 100],
        [1, 'Some GPU, Rev. B', 1],
      ],
    );
  });

  it('parseGpuList reads GPU lines and the indented MIG lines under them', () => {
    assert.deepEqual(parseGpuList(fixture('mig.list.txt')), [
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-03e0a813-bdc2-4e99-a3d2-e49085ef3430',
        migDevices: [
          { index: 0, profile: '3g.40gb', uuid: 'MIG-0af438d2-9752-4d6a-b51e-8722c21b6092' },
          { index: 1, profile: '2g.20gb', uuid: 'MIG-d2d58443-07f0-42ce-87b3-17d94d1fe09f' },
          { index: 2, profile: '1g.10gb', uuid: 'MIG-98418117-7906-4596-84f9-794cdd933160' },
        ],
      },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-28ce6f24-1064-4d51-86f8-da3eabe19f58', migDevices: [] },
    ]);
  });
});

describe('readGpuState: no NVIDIA GPU', () => {
  it('nvidia-smi not found (spawn ENOENT)', () => {
    const state = readGpuState({ stdout: '', stderr: '', exitCode: null, error: { code: 'ENOENT', message: 'spawn nvidia-smi ENOENT' } });
    assert.deepEqual(state, { kind: 'no-gpu', reason: 'nvidia-smi-not-found', message: 'spawn nvidia-smi ENOENT' });
  });

  it('driver missing (exit 9), whichever stream it is printed on', () => {
    const line =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
    const expected = { kind: 'no-gpu', reason: 'driver-not-loaded', message: line };
    assert.deepEqual(readGpuState(failed(fixture('driver-missing.txt'), 9)), expected);
    assert.deepEqual(readGpuState(failed('', 9, fixture('driver-missing.txt'))), expected);
  });

  it('no devices (exit 6), and an empty successful answer', () => {
    assert.deepEqual(readGpuState(failed(fixture('no-devices.txt'), 6)), { kind: 'no-gpu', reason: 'no-devices', message: 'No devices were found' });
    assert.deepEqual(readGpuState(ok('')), { kind: 'no-gpu', reason: 'no-devices', message: 'nvidia-smi listed no GPU.' });
  });

  it('driver/library version mismatch (an upgrade without a reboot)', () => {
    assert.deepEqual(readGpuState(failed(fixture('nvml-mismatch.txt'), 18)), {
      kind: 'no-gpu',
      reason: 'nvml-error',
      message: 'Failed to initialize NVML: Driver/library version mismatch',
    });
  });

  it('every reason has a hint for the view', () => {
    for (const reason of ['nvidia-smi-not-found', 'driver-not-loaded', 'no-devices', 'nvml-error'] as const) {
      assert.ok(NO_GPU_HINTS[reason].length > 20, reason);
    }
  });
});

describe('readGpuState: other failures are errors with the output verbatim', () => {
  it('an unknown field (a driver older than the query)', () => {
    const text = 'Field "mig.mode.current" is not a valid field to query.\n';
    assert.deepEqual(readGpuState(failed(text, 2)), { kind: 'error', message: 'Field "mig.mode.current" is not a valid field to query.' });
  });

  it('a spawn error other than ENOENT', () => {
    const state = readGpuState({ stdout: '', stderr: '', exitCode: null, error: { code: 'EACCES', message: 'spawn nvidia-smi EACCES' } });
    assert.deepEqual(state, { kind: 'error', message: 'spawn nvidia-smi EACCES' });
  });

  it('exit 0 with output that is not the CSV', () => {
    assert.deepEqual(readGpuState(ok('Something unexpected\n')), { kind: 'error', message: 'Something unexpected' });
  });

  it('a warning on stderr does not hide good CSV', () => {
    const state = readGpuState({ stdout: fixture('one-gpu.query.csv'), stderr: 'WARNING: infoROM is corrupted at gpu 0000:01:00.0\n', exitCode: 0 });
    assert.equal(gpusOf(state).length, 1);
  });
});
