// What `inference-stack config` prints for the typed fields, as `docker compose config` prints them (compose-go's
// types marshalled): durations as Go's time.Duration.String, byte sizes as strings of bytes, `count: all` as -1, …
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDuration } from '../../../server/src/compose/project';
import { configOf, loadError, loadInline } from './projectLoad';

describe('Go time.Duration.String', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_100n, '1.1µs'],
    [2_200_000n, '2.2ms'],
    [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [-5_000_000_000n, '-5s'],
    [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, text] of cases) it(`${ns} ns → ${text}`, () => assert.equal(goDuration(ns), text));
});

describe('docker compose config output of a service', () => {
  const service = (yaml: string, env: Record<string, string> = {}) => configOf(loadInline([['(inline)', `name: t\nservices:\n  s:\n${yaml}`]], { env, skipConsistencyCheck: true })).services.s!;

  it('short ports are written out in long form, one entry per port of a range', () => {
    assert.deepEqual(service('    image: x\n    ports: ["127.0.0.1:8000-8001:8000-8001/udp", 9000]\n').ports, [
      { mode: 'ingress', host_ip: '127.0.0.1', target: 8000, published: '8000', protocol: 'udp' },
      { mode: 'ingress', host_ip: '127.0.0.1', target: 8001, published: '8001', protocol: 'udp' },
      { mode: 'ingress', target: 9000, protocol: 'tcp' },
    ]);
  });

  it('environment and labels become maps of strings; a name alone takes the variable or stays null', () => {
    const s = service('    image: x\n    environment: [A=1, B, C]\n    labels: {n: 1, t: true}\n', { B: 'from-shell' });
    assert.deepEqual(s.environment, { A: '1', B: 'from-shell', C: null });
    assert.deepEqual(s.labels, { n: '1', t: 'true' });
  });

  it('a command string is split as a shell would; a healthcheck string runs with CMD-SHELL; durations as Go prints them', () => {
    const s = service('    image: x\n    command: vllm serve "my model" --port 8000\n    healthcheck:\n      test: curl -f http://localhost:8000/health\n      interval: 90s\n      start_period: 1h\n    stop_grace_period: 1m30s\n');
    assert.deepEqual(s.command, ['vllm', 'serve', 'my model', '--port', '8000']);
    assert.deepEqual(s.healthcheck, { test: ['CMD-SHELL', 'curl -f http://localhost:8000/health'], interval: '1m30s', start_period: '1h0m0s' });
    assert.equal(s.stop_grace_period, '1m30s');
  });

  it('byte sizes are strings of bytes; GPU counts are numbers, `all` in any case is -1; gpus: all is one request', () => {
    const s = service('    image: x\n    shm_size: 1g\n    gpus: all\n    deploy:\n      resources:\n        limits:\n          memory: 512m\n          cpus: "2.5"\n        reservations:\n          devices:\n            - {driver: nvidia, count: ALL, capabilities: [gpu]}\n            - {driver: nvidia, count: "2", capabilities: [gpu]}\n');
    assert.equal(s.shm_size, '1073741824');
    assert.deepEqual(s.gpus, [{ count: -1 }]);
    assert.deepEqual(s.deploy, {
      resources: { limits: { memory: '536870912', cpus: 2.5 }, reservations: { devices: [{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }, { driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } },
    });
  });

  it('a device request without count or device_ids gets count all', () => {
    const s = service('    image: x\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n');
    assert.deepEqual(s.deploy, { resources: { reservations: { devices: [{ capabilities: ['gpu'], count: -1 }] } } });
  });

  it('a duration Compose refuses is an error with its path', () => {
    assert.match(loadError(() => service('    image: x\n    healthcheck:\n      interval: 10 s\n')), /^services\.s\.healthcheck\.interval: /);
  });
});
