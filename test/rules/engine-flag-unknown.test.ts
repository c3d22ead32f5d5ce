import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releasedBefore } from '../../server/src/engines/vllmReleases';
import { judgeFlag, suggestFlags } from '../../server/src/engines/vllmFlags';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'engine-flag-unknown';

const typo = yaml`
  services:
    llm:
      image: vllm/vllm-openai:v0.11.0
      # the model and its context
      command:
        - --model
        - Qwen/Qwen3-0.6B
        - --max-model-length
        - "8192"
        - --gpu-memory-utilisation=0.85
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', typo], ['CRLF', toCrlf(typo)]] as const) {
    it(`reports unknown flags at their names, with suggestions (${name})`, () => {
      const found = findingsOf(RULE, text);
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['--max-model-length', '--gpu-memory-utilisation']);
      assert.deepEqual(found.map((f) => f.severity), ['error', 'error']);
      assert.deepEqual(found[0]!.range, { start: { line: 7, character: 8 }, end: { line: 7, character: 26 } });
      assert.match(found[0]!.message, /Did you mean `--max-model-len`/);
      assert.equal(preferredFix(found[0]!).title, 'Change to --max-model-len');
      assert.equal(found[0]!.fixes.filter((f) => f.preferred).length, 1);
    });

    it(`its fix renames the flag and keeps an inline value (${name})`, () => {
      const found = findingsOf(RULE, text);
      const fixed = applyFix(text, preferredFix(found[1]!));
      assert.ok(fixed.includes('- --gpu-memory-utilization=0.85'), fixed);
      const once = assertFixResolves(RULE, text);
      assert.ok(once.includes('- --max-model-len\n') || once.includes('- --max-model-len\r\n'), once);
    });
  }

  it('accepts underscores, --no-X, short aliases, -O3, dotted JSON options and unique abbreviations', () => {
    const text = yaml`
      services:
        llm:
          image: vllm/vllm-openai:latest
          command: >
            Qwen/Qwen3-0.6B --max_model_len 4096 --tensor_parallel_size=2 --no-enforce-eager
            -tp 2 -pp 1 -O3 -cc.mode=3 --compilation-config.cudagraph_mode FULL
            --served-model qwen --seed -1 --hf-overrides '{"rope_theta": 1000000}'
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('warns only, for a flag unknown today, when the pinned older release may have it', () => {
    const text = (tag: string) => yaml`
      services:
        llm:
          image: vllm/vllm-openai:${tag}
          command: --model m --use-v2-block-manager --log-level debug
    `;
    const old = findingsOf(RULE, text('v0.6.3'));
    assert.deepEqual(old.map((f) => [rangeText(text('v0.6.3'), f), f.severity]), [['--use-v2-block-manager', 'warning'], ['--log-level', 'warning']]);
    assert.match(old[1]!.message, /Did you mean `--uvicorn-log-level`/);
    assert.deepEqual(findingsOf(RULE, text('latest')).map((f) => f.severity), ['error', 'error']);
    // A near-typo stays an error whatever the tag.
    assert.equal(findingsOf(RULE, typo.replace('v0.11.0', 'v0.6.3'))[0]!.severity, 'error');
  });

  it('reports an ambiguous abbreviation', () => {
    const text = yaml`
      services:
        llm:
          image: vllm/vllm-openai:latest
          command: --model m --max-num 8
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '--max-num');
    assert.match(f!.message, /ambiguous/);
  });

  it('stays quiet when the service is not vLLM or the entrypoint is replaced', () => {
    const text = yaml`
      services:
        proxy:
          image: ghcr.io/berriai/litellm:v1.80.11-stable.1
          command: --config /app/config.yaml --num_workers 4 --detailed_debug
        custom:
          image: vllm/vllm-openai:latest
          entrypoint: ["/opt/start.sh"]
          command: ["--whatever", "vllm", "serve"]
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  describe('removed flags, checked against the pinned tag', () => {
    const removed = (image: string) => yaml`
      services:
        llm:
          image: ${image}
          command: --model m --swap-space 4 --port 8000
    `;

    it('is an error on latest, with a fix that removes the flag and its value', () => {
      const text = removed('vllm/vllm-openai:latest');
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.equal(rangeText(text, f!), '--swap-space');
      assert.match(f!.message, /removed from vLLM on 2026-03-07 \(PR #36216\)/);
      const fixed = assertFixResolves(RULE, text);
      assert.ok(fixed.includes('command: --model m --port 8000'), fixed);
    });

    it('is an error when the tag is newer than the removal or not pinned', () => {
      assert.equal(findingsOf(RULE, removed('vllm/vllm-openai:v0.20.0'))[0]!.severity, 'error');
      assert.equal(findingsOf(RULE, removed('vllm/vllm-openai'))[0]!.severity, 'error');
      assert.match(findingsOf(RULE, removed('vllm/vllm-openai'))[0]!.message, /not pinned/);
    });

    it('is info, without a fix, when the pinned release still has it', () => {
      const [f] = findingsOf(RULE, removed('vllm/vllm-openai:v0.10.1'));
      assert.equal(f!.severity, 'info');
      assert.match(f!.message, /still works in vLLM 0\.10\.1/);
      assert.deepEqual(f!.fixes, []);
    });

    it('reads the tag through ${VAR:-default}', () => {
      assert.equal(findingsOf(RULE, removed('vllm/vllm-openai:${VLLM_TAG:-v0.9.2}'))[0]!.severity, 'info');
    });

    it('uses the date the command line dropped --disable-log-requests', () => {
      const text = (tag: string) => yaml`
        services:
          llm:
            image: vllm/vllm-openai:${tag}
            command: ["--model", "m", "--disable-log-requests"]
      `;
      assert.equal(findingsOf(RULE, text('v0.16.0'))[0]!.severity, 'info');
      const late = text('v0.18.1');
      const [f] = findingsOf(RULE, late);
      assert.equal(f!.severity, 'error');
      assert.equal(rangeText(late, f!), '--disable-log-requests');
      const fixed = assertFixResolves(RULE, late);
      assert.ok(fixed.includes('command: ["--model", "m"]'), fixed);
    });

    it('maps --task generate to --runner generate and --guided-decoding-backend to the dotted config', () => {
      const text = yaml`
        services:
          llm:
            image: vllm/vllm-openai:latest
            command: --model m --task generate --guided-decoding-backend xgrammar
      `;
      const found = findingsOf(RULE, text);
      assert.equal(found.length, 2);
      assert.ok(applyFix(text, preferredFix(found[0]!)).includes('--runner generate --guided'));
      assert.ok(applyFix(text, preferredFix(found[1]!)).includes('--structured-outputs-config.backend xgrammar'));
    });
  });

  it('looks inside sh -c scripts, with exact ranges', () => {
    const text = yaml`
      services:
        llm:
          image: python:3.12
          command: ["/bin/sh", "-c", "pip install vllm && vllm serve m --swap-space 4"]
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '--swap-space');
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('"pip install vllm && vllm serve m"'), fixed);
  });

  it('reports at the alias, without fixes, when the command comes from an anchor', () => {
    const text = yaml`
      x-vllm: &vllm
        image: vllm/vllm-openai:latest
        command: ["--model", "m", "--max-model-length", "4096"]
      services:
        a:
          <<: *vllm
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*vllm');
    assert.deepEqual(f!.fixes, []);
  });

  describe('Dockerfile', () => {
    it('checks CMD on the vllm/vllm-openai image', () => {
      const text = dockerfile`
        FROM vllm/vllm-openai:latest
        CMD ["vllm", "serve", "Qwen/Qwen3-0.6B", "--enable-prefix-cache"]
      `;
      const found = findingsOf(RULE, text, 'dockerfile');
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['--enable-prefix-cache']);
      assert.equal(preferredFix(found[0]!).title, 'Change to --enable-prefix-caching');
    });

    for (const [name, conv] of [['LF', (t: string) => t], ['CRLF', toCrlf]] as const) {
      it(`removes a removed flag's line from a shell-form ENTRYPOINT (${name})`, () => {
        const text = conv(dockerfile`
          FROM python:3.12 AS base
          RUN pip install vllm
          FROM base
          # start the server
          ENTRYPOINT vllm serve Qwen/Qwen3-0.6B \\
            --swap-space 4 \\
            --port 8000
        `);
        const [f, ...rest] = findingsOf(RULE, text, 'dockerfile');
        assert.equal(rest.length, 0);
        assert.equal(rangeText(text, f!), '--swap-space');
        assert.deepEqual(f!.range.start, { line: 5, character: 2 });
        const fixed = assertFixResolves(RULE, text, {}, 'dockerfile');
        const eol = name === 'CRLF' ? '\r\n' : '\n';
        assert.ok(fixed.includes(`Qwen/Qwen3-0.6B \\${eol}  --port 8000`), fixed);
      });
    }

    it('removes the last line of a continued command without leaving a dangling backslash', () => {
      const text = dockerfile`
        FROM vllm/vllm-openai:latest
        ENTRYPOINT vllm serve Qwen/Qwen3-0.6B \\
          --swap-space 4
        EXPOSE 8000
      `;
      const fixed = assertFixResolves(RULE, text, {}, 'dockerfile');
      assert.ok(fixed.includes('ENTRYPOINT vllm serve Qwen/Qwen3-0.6B\nEXPOSE 8000'), fixed);
    });

    it('stays quiet on the image build itself (ENTRYPOINT ["vllm", "serve"])', () => {
      const text = dockerfile`
        FROM nvidia/cuda:13.0.2-base-ubuntu22.04
        RUN pip install vllm
        ENTRYPOINT ["vllm", "serve"]
      `;
      assert.deepEqual(findingsOf(RULE, text, 'dockerfile'), []);
    });
  });

  describe('helpers', () => {
    it('places tags before or after a removal date', () => {
      assert.equal(releasedBefore('v0.10.1', '2025-09-21').before, true);
      assert.equal(releasedBefore('v0.11.0', '2025-09-21').before, false);
      assert.equal(releasedBefore('v0.10.2', '2025-11-04').before, true, 'unknown version takes the next known date');
      assert.equal(releasedBefore('v0.8.5.post1', '2025-07-15').before, true, 'older than every known release');
      assert.equal(releasedBefore('v0.40.0', '2026-03-07').before, false, 'newer than every known release');
      assert.equal(releasedBefore('latest', '2026-03-07').before, false);
      assert.equal(releasedBefore(undefined, '2026-03-07').before, false);
    });

    it('judges flags like vLLM does', () => {
      assert.equal(judgeFlag('--max_model_len').kind, 'known');
      assert.equal(judgeFlag('--no-trust-remote-code').kind, 'known');
      assert.equal(judgeFlag('--swap_space').kind, 'removed');
      assert.equal(judgeFlag('--totally-made-up').kind, 'unknown');
      assert.deepEqual(suggestFlags('--trust-remote-codes'), ['--trust-remote-code']);
    });
  });
});
