import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'healthcheck-ignores-status';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      healthcheck:
        # probe the engine
        test: ["CMD", "curl", "-s", "http://localhost:8000/health"]
        start_period: 10m
`;

function service(test: string): string {
  return `services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.5\n    healthcheck:\n      test: ${test}\n`;
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at the test of a curl probe without -f (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 5, character: 12 }, end: { line: 5, character: 65 } });
      assert.equal(
        f!.message,
        'The healthcheck of service "vllm" passes when the server answers an HTTP error: curl exits 0 on any response, 503 included, ' +
          'unless it is given -f (--fail). Add -f, so a server that is up but not ready or broken is reported unhealthy.',
      );
    });

    it(`the fix adds a "-f" item after curl (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('test: ["CMD", "curl", "-f", "-s", "http://localhost:8000/health"]'), fixed);
      assert.equal(findingsOf(RULE, text)[0]!.fixes[0]!.title, 'Add -f to curl');
    });
  }

  it('adds -f inside shell strings: CMD-SHELL and a string test', () => {
    const shell = service(`["CMD-SHELL", "curl -s http://localhost:80/health || exit 1"]`);
    assert.ok(assertFixResolves(RULE, shell).includes('"curl -f -s http://localhost:80/health || exit 1"'));
    const plain = service('curl --silent localhost:80/health');
    assert.ok(assertFixResolves(RULE, plain).includes('test: curl -f --silent localhost:80/health'));
    const other = service('["CMD", "curl", "-sS", "https://tgi.internal/healthz"]');
    assert.ok(assertFixResolves(RULE, other).includes('"curl", "-f", "-sS", "https://tgi.internal/healthz"'));
    const bare = service('curl -s localhost:${PORT}/health');
    assert.equal(findingsOf(RULE, bare).length, 1);
    const sh = service(`["CMD", "sh", "-c", "exec curl http://localhost:$$PORT/health"]`);
    assert.ok(assertFixResolves(RULE, sh).includes('"exec curl -f http://localhost:$$PORT/health"'));
  });

  it('adds a line to a block list', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            test:
              - CMD
              - curl
              - http://localhost:8000/health
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('        - curl\n        - "-f"\n        - http://localhost:8000/health\n'), fixed);
  });

  it('reports a Python requests probe without a status check, with no fix', () => {
    const text = service(`["CMD", "python3", "-c", "import requests; requests.get('http://localhost:80/health', timeout=5)"]`);
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /requests\.get\(\) and httpx\.get\(\) return a 503 response without raising/);
    assert.deepEqual(f!.fixes, []);
  });

  it('stays quiet on probes that fail on an error status, read it, or probe no health path', () => {
    for (const test of [
      '["CMD", "curl", "-f", "http://localhost:80/health"]',
      '["CMD", "curl", "-fsS", "http://localhost:80/health"]',
      '["CMD", "curl", "-sSf", "http://localhost:80/health"]',
      '["CMD", "curl", "--fail-with-body", "http://localhost:80/health"]',
      '["CMD-SHELL", "curl -s http://localhost:80/health | grep -q ok"]',
      `["CMD-SHELL", "test \\"$(curl -s -o /dev/null -w '%{http_code}' http://localhost:80/health)\\" = 200"]`,
      '["CMD", "curl", "-s", "-w", "%{http_code}", "http://localhost:80/health"]',
      '["CMD", "wget", "-q", "--spider", "http://localhost:80/health"]',
      `["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:80/health')"]`,
      `["CMD", "python3", "-c", "import requests,sys; sys.exit(requests.get('http://localhost:80/health').status_code != 200)"]`,
      '["CMD", "curl", "http://localhost:8080/"]',
      '["CMD", "curl", "-so", "/dev/null", "http://localhost:80/v1/models"]',
      '["NONE"]',
    ]) {
      assert.deepEqual(findingsOf(RULE, service(test)), [], test);
    }
  });

  it('checks the last HEALTHCHECK of a Dockerfile, in shell and exec form', () => {
    const shell = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      HEALTHCHECK --interval=30s --start-period=10m CMD curl -s http://localhost:8000/health || exit 1
    `;
    const [f] = findingsOf(RULE, shell, 'dockerfile');
    assert.equal(rangeText(shell, f!), 'curl -s http://localhost:8000/health || exit 1');
    assert.match(f!.message, /^The healthcheck of the image passes/);
    assert.ok(assertFixResolves(RULE, shell, {}, 'dockerfile').includes('CMD curl -f -s http://localhost:8000/health || exit 1'));

    const exec = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      HEALTHCHECK CMD ["curl", "http://localhost:8000/health"]
    `;
    const [g] = findingsOf(RULE, exec, 'dockerfile');
    assert.ok(applyFix(exec, g!.fixes[0]!).includes('HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]'));

    const replaced = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      HEALTHCHECK CMD curl http://localhost:8000/health
      HEALTHCHECK NONE
    `;
    assert.deepEqual(findingsOf(RULE, replaced, 'dockerfile'), []);
  });
});
