import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { applyFix, assertFixResolves, dockerfile, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'healthcheck-probe-binary-missing';

const bad = yaml`
  services:
    ollama:
      image: ollama/ollama:0.6.5
      healthcheck:
        # is the server up?
        test: ["CMD-SHELL", "curl -f http://localhost:11434 || exit 1"]
        interval: 30s
`;

function service(image: string, test: string, extra = ''): string {
  return `services:\n  engine:\n    image: ${image}\n${extra}    healthcheck:\n      test: ${test}\n`;
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at the test of a curl check in the Ollama image (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 5, character: 12 }, end: { line: 5, character: 69 } });
      assert.equal(
        f!.message,
        'The healthcheck of service "ollama" runs curl, which Ollama\'s image does not have (ollama-flags.json image.ships: its Dockerfile ' +
          'at fb307609 adds only ca-certificates, libvulkan1 and libopenblas0 to ubuntu:24.04): every check fails with `sh: curl: not found`, ' +
          "so the container never becomes healthy and whatever waits for it with `condition: service_healthy` never starts. Ollama's own " +
          'probe works inside it: `ollama list`.',
      );
    });

    it(`the fix replaces the test with \`ollama list\` (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      assert.ok(fixed.includes(`      # is the server up?${eol}      test: ["CMD", "ollama", "list"]${eol}      interval: 30s`), fixed);
      assert.equal(findingsOf(RULE, text)[0]!.fixes[0]!.title, 'Probe with `ollama list`');
    });
  }

  it('reads the exec form, sh -c, a string test and a block list, and replaces each', () => {
    const exec = findingsOf(RULE, service('ollama/ollama', '["CMD", "curl", "-f", "http://localhost:11434/api/tags"]'));
    assert.match(exec[0]!.message, /fails with `exec: "curl": executable file not found in \$PATH`/);
    for (const test of [
      '["CMD", "sh", "-c", "wget -q --spider http://localhost:11434 || exit 1"]',
      'curl -fsS localhost:11434 | grep -q Ollama',
      '["CMD", "timeout", "5", "/usr/bin/curl", "-f", "http://localhost:11434"]',
      `["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:11434')"]`,
      '["CMD", "python", "-c", "print(1)"]',
    ]) {
      const fixed = assertFixResolves(RULE, service('ollama/ollama:latest', test));
      assert.ok(fixed.includes('      test: ["CMD", "ollama", "list"]\n'), `${test}\n${fixed}`);
    }
    const block = 'services:\n  ollama:\n    image: ollama/ollama\n    healthcheck:\n      test:\n        - CMD\n        - curl\n        - http://localhost:11434\n      retries: 5\n';
    const doc = parseDocument(assertFixResolves(RULE, block)).toJS() as { services: { ollama: { healthcheck: { test: string[]; retries: number } } } };
    assert.deepEqual(doc.services.ollama.healthcheck, { test: ['CMD', 'ollama', 'list'], retries: 5 });
  });

  it('reports wget in the llama.cpp server image and offers curl on the port of its URL', () => {
    const text = service('ghcr.io/ggml-org/llama.cpp:server-cuda', '["CMD", "wget", "-q", "--spider", "http://localhost:9000/health"]');
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /runs wget, which llama\.cpp server's image does not have \(llamacpp-flags\.json image\.ships/);
    assert.ok(assertFixResolves(RULE, text).includes('test: ["CMD", "curl", "-fsS", "http://localhost:9000/health"]'));
    // The llama.cpp `full` tags add python3; its openvino and intel tags start from bases that have wget.
    assert.equal(findingsOf(RULE, service('ghcr.io/ggml-org/llama.cpp:server', '["CMD", "python3", "-c", "pass"]')).length, 1);
    assert.deepEqual(findingsOf(RULE, service('ghcr.io/ggml-org/llama.cpp:full-cuda', '["CMD", "python3", "-c", "pass"]')), []);
    assert.deepEqual(findingsOf(RULE, service('ghcr.io/ggml-org/llama.cpp:server-openvino', '["CMD", "wget", "-q", "http://localhost:8080/health"]')), []);
  });

  it('takes the port the server listens on when the check names none', () => {
    const text = service('ghcr.io/huggingface/text-embeddings-inference:1.5', 'wget -qO- localhost/health || exit 1', '    environment:\n      PORT: "8081"\n');
    assert.ok(assertFixResolves(RULE, text).includes('test: ["CMD", "curl", "-fsS", "http://localhost:8081/health"]'));
  });

  it('stays quiet where the image has the program or nothing says it lacks it', () => {
    for (const [image, test] of [
      ['vllm/vllm-openai:v0.11.0', '["CMD", "curl", "-f", "http://localhost:8000/health"]'],
      ['vllm/vllm-openai:v0.11.0', '["CMD", "wget", "-q", "http://localhost:8000/health"]'],
      ['lmsysorg/sglang:latest', '["CMD-SHELL", "curl -f http://localhost:30000/health || exit 1"]'],
      ['nvcr.io/nim/meta/llama-3.1-8b-instruct:1.12.0', '["CMD", "python3", "-c", "pass"]'],
      ['ghcr.io/ggml-org/llama.cpp:server', '["CMD", "curl", "-f", "http://localhost:8080/health"]'],
      ['ghcr.io/huggingface/text-generation-inference:3.3.5-intel-cpu', '["CMD", "wget", "-q", "http://localhost/health"]'],
      ['my-registry/ollama-with-curl:1', '["CMD", "curl", "-f", "http://localhost:11434"]'],
      ['ollama/ollama', '["CMD", "ollama", "list"]'],
      ['ollama/ollama', '["NONE"]'],
      // Another program runs when curl cannot: the check may pass.
      ['ollama/ollama', '["CMD-SHELL", "curl -f http://localhost:11434 || ollama list"]'],
      ['ollama/ollama', '["CMD-SHELL", "curl -f http://localhost:11434; exit 0"]'],
      ['ollama/ollama', '["CMD-SHELL", "curl -f http://localhost:11434||true"]'],
    ]) {
      assert.deepEqual(findingsOf(RULE, service(image!, test!)), [], `${image} ${test}`);
    }
  });

  it('stays quiet on a service that builds its image or installs the program itself', () => {
    const built = service('ollama/ollama', '["CMD", "curl", "-f", "http://localhost:11434"]', '    build: .\n');
    assert.deepEqual(findingsOf(RULE, built), []);
    const installs = service(
      'ollama/ollama',
      '["CMD", "curl", "-f", "http://localhost:11434"]',
      '    entrypoint: ["/bin/sh", "-c", "apt-get update && apt-get install -y curl && exec ollama serve"]\n',
    );
    assert.deepEqual(findingsOf(RULE, installs), []);
    const mounted = service('ollama/ollama', '["CMD", "curl", "-f", "http://localhost:11434"]', '    volumes:\n      - ./bin/curl:/usr/bin/curl:ro\n');
    assert.deepEqual(findingsOf(RULE, mounted), []);
    // A mounted start script may install anything.
    const script = service('ollama/ollama', '["CMD", "curl", "-f", "http://localhost:11434"]', '    entrypoint: ["/bin/bash", "/start.sh"]\n');
    assert.deepEqual(findingsOf(RULE, script), []);
  });

  it('checks the last HEALTHCHECK of a Dockerfile built FROM the engine image', () => {
    const shell = dockerfile`
      FROM ollama/ollama:0.6.5
      COPY Modelfile /models/Modelfile
      HEALTHCHECK --interval=30s CMD curl -f http://localhost:11434 || exit 1
    `;
    const [f] = findingsOf(RULE, shell, 'dockerfile');
    assert.equal(rangeText(shell, f!), 'curl -f http://localhost:11434 || exit 1');
    assert.match(f!.message, /^The HEALTHCHECK of this image \(FROM ollama\/ollama:0\.6\.5\) runs curl, which Ollama's image does not have/);
    assert.ok(applyFix(shell, f!.fixes[0]!).includes('HEALTHCHECK --interval=30s CMD ["ollama", "list"]\n'));

    const exec = dockerfile`
      FROM ghcr.io/ggml-org/llama.cpp:server
      HEALTHCHECK CMD ["wget", "-qO-", "http://localhost:8080/health"]
    `;
    const fixed = assertFixResolves(RULE, exec, {}, 'dockerfile');
    assert.ok(fixed.includes('HEALTHCHECK CMD ["curl", "-fsS", "http://localhost:8080/health"]'), fixed);
  });

  it('stays quiet on a Dockerfile that installs packages or copies binaries in', () => {
    for (const body of [
      'RUN apt-get update && apt-get install -y curl',
      'RUN apt-get update \\\n    && apt-get install -y --no-install-recommends jq',
      'COPY --from=curlimages/curl:8.10.1 /usr/bin/curl /usr/bin/curl',
      'ADD https://example.com/static/curl /usr/local/bin/curl',
      'COPY setup.sh /setup.sh\nRUN /setup.sh',
    ]) {
      const text = `FROM ollama/ollama\n${body}\nHEALTHCHECK CMD curl -f http://localhost:11434 || exit 1\n`;
      assert.deepEqual(findingsOf(RULE, text, 'dockerfile'), [], body);
    }
    const custom = 'FROM ubuntu:24.04\nHEALTHCHECK CMD curl -f http://localhost:11434 || exit 1\n';
    assert.deepEqual(findingsOf(RULE, custom, 'dockerfile'), []);
    const replaced = 'FROM ollama/ollama\nHEALTHCHECK CMD curl -f http://localhost:11434\nHEALTHCHECK NONE\n';
    assert.deepEqual(findingsOf(RULE, replaced, 'dockerfile'), []);
  });
});
