import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'log-rotation-missing';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: --model Qwen/Qwen3-8B
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`points at a model service with the default json-file driver and no max-size (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'info');
      assert.deepEqual(f!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } });
      assert.equal(rangeText(text, f!), 'vllm');
      assert.equal(
        f!.message,
        'Service "vllm" (vLLM) logs through Docker\'s json-file driver (the default) with no `max-size`, so its log file grows ' +
          'without limit while the container lives: a model server logs every request. Set `logging.options.max-size` (and ' +
          "`max-file`) here, or for every container in the Docker daemon's `log-opts`.",
      );
    });

    it(`the fix adds a json-file logging block (${name})`, () => {
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      const fixed = assertFixResolves(RULE, text);
      assert.ok(
        fixed.endsWith(`    logging:${eol}      driver: json-file${eol}      options:${eol}        max-size: 10m${eol}        max-file: "3"${eol}`),
        fixed,
      );
    });
  }

  it('adds only the missing options to an existing logging block, and reports at logging:', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          logging:
            options:
              max-file: "5"
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'logging');
    assert.ok(assertFixResolves(RULE, text).includes('      max-file: "5"\n        max-size: 10m\n'));
  });

  it('stays quiet with max-size, another driver, an anchor that sets it, or a service that is not a model server', () => {
    const text = yaml`
      x-logging: &logging
        driver: json-file
        options:
          max-size: 50m
      services:
        a:
          image: vllm/vllm-openai:v0.11.0
          logging: *logging
        b:
          image: vllm/vllm-openai:v0.11.0
          logging:
            driver: local
        c:
          image: ollama/ollama:0.12.0
          logging:
            driver: journald
        db:
          image: postgres:16
        ui:
          image: ghcr.io/open-webui/open-webui:main
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
                    capabilities: [gpu]
        pull:
          image: ollama/ollama:0.12.0
          entrypoint: ["/bin/sh", "-c", "ollama pull llama3"]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });
});
