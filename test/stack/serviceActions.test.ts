/**
 * The per-service actions' pure parts (issue 12 item 7): which container and URL, the copied curl (read back by a
 * real POSIX shell), the shell check of "Open Shell in Container", and the inspect JSON with its secrets masked.
 */
import assert from 'node:assert/strict';
import { planStack } from '../../server/src/compose/stackPlan';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { PlannedService } from '../../server/src/compose/stackPlanTypes';
import { maskedInspectJson } from '../../client/src/stack/actions/inspectMask';
import {
  apiKeyVariable, chatCurl, publishedUrl, readShellCheck, serviceContainer, shellArgs, shellCheckArgs, shellQuote, terminalEnv,
} from '../../client/src/stack/actions/serviceActions';
import type { PublishedPort, ServiceStatus } from '../../client/src/stack/stackTypes';

function status(service: string, ports: PublishedPort[], extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return { service, replica: 1, containerId: `${service}-id`, containerName: `p-${service}-1`, image: 'img', state: 'running', restartCount: 0, ports, ...extra };
}
const port = (hostPort: number, containerPort: number, hostIp = '0.0.0.0', protocol: PublishedPort['protocol'] = 'tcp'): PublishedPort => ({ hostIp, hostPort, containerPort, protocol });
const planned = (p: Partial<PlannedService>): PlannedService => ({ name: 'vllm', isModelService: true, requestsGpu: false, bindMounts: [], publishedPorts: [], hasHealthcheck: false, ...p });

/** The words a POSIX shell makes of `text` with `curl` a function that prints each argument on its own line, NUL-separated. */
function shellWords(text: string, env: Record<string, string> = {}): string[] {
  const r = spawnSync('sh', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${text}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('serviceContainer', () => {
  it('takes the first running replica, else the first', () => {
    const a = status('vllm', [], { replica: 2, containerId: 'b' });
    const b = status('vllm', [], { replica: 1, containerId: 'a', state: 'exited' });
    assert.equal(serviceContainer([a, b], 'vllm')?.containerId, 'b');
    assert.equal(serviceContainer([{ ...a, state: 'exited' }, b], 'vllm')?.containerId, 'a');
    assert.equal(serviceContainer([a, b], 'proxy'), undefined);
  });
});

describe('publishedUrl (Open in Browser)', () => {
  it('a model service: its API port on the engine host, though it publishes others first', () => {
    const s = status('vllm', [port(9100, 9100), port(8000, 8000, '127.0.0.1')]);
    assert.equal(publishedUrl(s, planned({ apiPort: 8000 })), 'http://127.0.0.1:8000/');
  });

  it('another service: the first published TCP port (lowest container port, IPv4 entry), 0.0.0.0 as the engine host', () => {
    const s = status('proxy', [port(8443, 443, '::'), port(8443, 443), port(8080, 80, '::'), port(8080, 80), port(5353, 53, '0.0.0.0', 'udp')]);
    assert.equal(publishedUrl(s, undefined, 'gpu-box'), 'http://gpu-box:8080/');
    assert.equal(publishedUrl(s, planned({ name: 'proxy', isModelService: false })), 'http://127.0.0.1:8080/');
  });

  it('a model service whose API port is not published falls back to what is', () => {
    assert.equal(publishedUrl(status('vllm', [port(3000, 3000)]), planned({ apiPort: 8000 })), 'http://127.0.0.1:3000/');
  });

  it('an IPv6-only binding is bracketed', () => {
    assert.equal(publishedUrl(status('web', [port(8080, 80, '::1')]), undefined), 'http://[::1]:8080/');
  });

  it('nothing published, or only UDP: none', () => {
    assert.equal(publishedUrl(status('db', []), undefined), undefined);
    assert.equal(publishedUrl(status('dns', [port(53, 53, '0.0.0.0', 'udp')]), undefined), undefined);
    assert.equal(publishedUrl(undefined, planned({ apiPort: 8000 })), undefined);
  });
});

describe('shellQuote', () => {
  it('a POSIX shell reads back exactly the text, whatever it holds', () => {
    const texts = ["it's", "'; rm -rf / #", '$(touch /tmp/x) `id` $HOME', 'a\nb\tc', '"double" \\ back', '', "''"];
    for (const t of texts) assert.deepEqual(shellWords(`curl ${shellQuote(t)}`), [t], JSON.stringify(t));
  });
});

describe('chatCurl (Copy curl for Chat)', () => {
  const hostile = `qwen'; echo pwned; '$(id)"\`x\``;

  it('a shell reads the URL, the JSON header and a body naming the model, whatever its name', () => {
    const text = chatCurl({ baseUrl: 'http://127.0.0.1:8000/', model: hostile });
    const words = shellWords(text);
    assert.deepEqual(words.slice(0, 4), ['-sS', 'http://127.0.0.1:8000/v1/chat/completions', '-H', 'Content-Type: application/json']);
    assert.equal(words[4], '-d');
    const body = JSON.parse(words[5]!);
    assert.equal(body.model, hostile);
    assert.deepEqual(body.messages, [{ role: 'user', content: 'Say hello in one short sentence.' }]);
    assert.ok(body.max_tokens > 0);
    assert.equal(words.length, 6);
    assert.doesNotMatch(text, /Authorization/);
  });

  it('a service with a key: the key is read from its variable when curl runs, never written', () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';
    const variable = apiKeyVariable(planStack(`services:\n  m:\n    image: vllm/vllm-openai:v0.11.0\n    command: --model m --api-key ${key}\n`, '/s/compose.yaml').services[0]);
    assert.equal(variable, 'VLLM_API_KEY');
    const text = chatCurl({ baseUrl: 'http://h:8000', model: 'm', keyVariable: variable! });
    assert.ok(!text.includes(key));
    assert.match(text, /-H "Authorization: Bearer \$VLLM_API_KEY"/);
    const words = shellWords(text, { VLLM_API_KEY: 'from-the-env' });
    assert.equal(words[words.indexOf('Authorization: Bearer from-the-env') - 1], '-H');
  });

  it('each engine\'s own variable: TGI API_KEY, llama.cpp LLAMA_API_KEY; SGLang reads none, so a plain API_KEY', () => {
    const variableOf = (service: string) => apiKeyVariable(planStack(`services:\n  m:\n${service}`, '/s/compose.yaml').services[0]);
    assert.equal(variableOf('    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    command: --model-id m --api-key k\n'), 'API_KEY');
    assert.equal(variableOf('    image: ghcr.io/ggml-org/llama.cpp:server-b6000\n    command: -m /m.gguf --api-key k\n'), 'LLAMA_API_KEY');
    assert.equal(variableOf('    image: lmsysorg/sglang:v0.5.2\n    command: python3 -m sglang.launch_server --model-path m --api-key k\n'), 'API_KEY');
  });

  it('no key, no variable; a variable name that is not one is refused', () => {
    assert.equal(apiKeyVariable(planned({ engine: 'vllm' })), undefined);
    assert.equal(apiKeyVariable(undefined), undefined);
    assert.throws(() => chatCurl({ baseUrl: 'http://h', model: 'm', keyVariable: 'X; rm' }));
  });
});

describe('Open Shell in Container', () => {
  it('runs docker exec -it <id> sh, checked first with sh -c "exit 0"', () => {
    assert.deepEqual(shellArgs('abc123'), ['exec', '-it', 'abc123', 'sh']);
    assert.deepEqual(shellCheckArgs('abc123'), ['exec', 'abc123', 'sh', '-c', 'exit 0']);
  });

  it('reads the check: a shell, no shell, not running, another failure', () => {
    assert.deepEqual(readShellCheck({ stdout: '', stderr: '', exitCode: 0 }), { ok: true });
    // What docker 27 prints for the stand-in image (only /node in it), exit 127.
    const missing = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown';
    assert.deepEqual(readShellCheck({ stdout: '', stderr: missing, exitCode: 127 }), { ok: false, reason: 'no-shell', detail: missing });
    assert.equal((readShellCheck({ stdout: '', stderr: '', exitCode: 126 }) as { reason: string }).reason, 'no-shell');
    const stopped = 'Error response from daemon: container 4f2 is not running';
    assert.deepEqual(readShellCheck({ stdout: '', stderr: stopped, exitCode: 1 }), { ok: false, reason: 'not-running', detail: stopped });
    assert.deepEqual(readShellCheck({ stdout: '', stderr: '', exitCode: null, error: { code: 'ETIMEDOUT', message: 'timed out after 15000 ms' } }), { ok: false, reason: 'failed', detail: 'timed out after 15000 ms' });
  });

  it('the connection env for the terminal: unset names become null (removed from the inherited environment)', () => {
    assert.deepEqual(terminalEnv({ DOCKER_HOST: 'tcp://h:2376', DOCKER_CONTEXT: undefined }), { DOCKER_HOST: 'tcp://h:2376', DOCKER_CONTEXT: null });
  });
});

describe('maskedInspectJson (Show Container Inspect)', () => {
  const hf = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  const apiKey = 'e2e-secret-key-1234';
  const inspect = {
    Id: '4f2c',
    Path: 'vllm',
    Args: ['serve', 'Qwen/Qwen3-0.6B', '--api-key', apiKey, '--served-model-name', 'qwen3-0.6b'],
    Config: {
      Env: [`HF_TOKEN=${hf}`, 'PATH=/usr/local/bin:/usr/bin', 'DB_PASSWORD=hunter2', 'VLLM_API_KEY=', 'HF_HOME=/root/.cache/huggingface'],
      Cmd: ['Qwen/Qwen3-0.6B', '--api-key', apiKey, '--hf-token=plain-secret-value', '--max-model-len', '8192'],
      Entrypoint: ['vllm', 'serve'],
      Labels: { 'com.docker.compose.service': 'vllm', 'com.docker.compose.config-hash': 'c0ffee', 'my.api_key': 'label-secret', note: `uses ${hf} inside` },
      Healthcheck: { Test: ['CMD', 'curl', '-H', `Authorization: Bearer ${apiKey}`, 'http://127.0.0.1:8000/health'] },
      Tty: false,
      ExposedPorts: { '8000/tcp': {} },
    },
    NetworkSettings: { SandboxKey: '/var/run/docker/netns/1234', Ports: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '8000' }] } },
    HostConfig: { Binds: ['/data:/data'], Memory: 536870912 },
  };

  it('masks the HF_TOKEN env, the --api-key in Cmd and Args, and keeps the JSON valid', () => {
    const text = maskedInspectJson(inspect);
    const shown = JSON.parse(text);
    assert.ok(!text.includes(hf), 'the HF token is not in clear');
    assert.ok(!text.includes(apiKey), 'the --api-key value is not in clear (no known key given: by the flag alone)');
    assert.equal(shown.Config.Env[0], 'HF_TOKEN=hf_****');
    assert.deepEqual(shown.Config.Cmd, ['Qwen/Qwen3-0.6B', '--api-key', '****', '--hf-token=****', '--max-model-len', '8192']);
    assert.deepEqual(shown.Args, ['serve', 'Qwen/Qwen3-0.6B', '--api-key', '****', '--served-model-name', 'qwen3-0.6b']);
    assert.equal(shown.Config.Env[2], 'DB_PASSWORD=****');
    assert.ok(!text.includes('hunter2') && !text.includes('plain-secret-value') && !text.includes('label-secret'));
    assert.equal(shown.Config.Labels['my.api_key'], '****');
    assert.equal(shown.Config.Labels.note, 'uses hf_**** inside');
    assert.deepEqual(shown.Config.Healthcheck.Test, ['CMD', 'curl', '-H', 'Authorization: Bearer ****', 'http://127.0.0.1:8000/health']);
  });

  it('keeps what is no secret as it was', () => {
    const shown = JSON.parse(maskedInspectJson(inspect));
    assert.equal(shown.Config.Env[1], 'PATH=/usr/local/bin:/usr/bin');
    assert.equal(shown.Config.Env[3], 'VLLM_API_KEY=', 'an empty value stays empty');
    assert.equal(shown.Config.Env[4], 'HF_HOME=/root/.cache/huggingface');
    assert.equal(shown.Config.Labels['com.docker.compose.config-hash'], 'c0ffee');
    assert.equal(shown.NetworkSettings.SandboxKey, '/var/run/docker/netns/1234');
    assert.deepEqual(shown.NetworkSettings.Ports, inspect.NetworkSettings.Ports);
    assert.deepEqual(shown.HostConfig, inspect.HostConfig);
    assert.equal(shown.Config.Tty, false);
    assert.deepEqual(shown.Config.Entrypoint, ['vllm', 'serve']);
  });

  it('a known key is masked wherever it appears', () => {
    const text = maskedInspectJson({ Config: { Env: [`OPENAI_BASE=http://x/?k=${apiKey}`] }, Name: `/${apiKey}` }, [apiKey, undefined]);
    assert.ok(!text.includes(apiKey));
    JSON.parse(text);
  });
});
