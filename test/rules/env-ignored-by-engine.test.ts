import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'env-ignored-by-engine';

const bad = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.22.0
      # the model to serve
      command:
        - --model
        - Qwen/Qwen3-8B
      environment:
        GPU_MEMORY_UTILIZATION: "0.85" # vLLM never reads this
        HF_TOKEN: \${HF_TOKEN}
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`fires at the env var name (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 8, character: 6 }, end: { line: 8, character: 28 } });
      assert.equal(rangeText(text, f!), 'GPU_MEMORY_UTILIZATION');
      assert.match(f!.message, /--gpu-memory-utilization/);
    });

    it(`its fix moves the value to the command and removes the env entry (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      assert.ok(fixed.includes(`- Qwen/Qwen3-8B${eol}      - --gpu-memory-utilization${eol}      - "0.85"${eol}`), fixed);
      assert.ok(!fixed.includes('GPU_MEMORY_UTILIZATION'), fixed);
      assert.ok(fixed.includes('HF_TOKEN: ${HF_TOKEN}'), fixed);
    });
  }

  it('stays quiet on env vars vLLM reads, and on the flag itself', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: --model m --gpu-memory-utilization 0.85
          environment:
            - VLLM_LOGGING_LEVEL=INFO
            - VLLM_API_KEY=\${KEY}
            - HF_TOKEN=\${HF_TOKEN}
            - CUDA_VISIBLE_DEVICES=0
            - VLLM_PORT=29500
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('leaves engines that read settings from env alone, except the look-alikes', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.5
          environment:
            - MAX_TOTAL_TOKENS=4096
            - GPU_MEMORY_UTILIZATION=0.8
        tei:
          image: ghcr.io/huggingface/text-embeddings-inference:1.9
          environment:
            MODEL_ID: BAAI/bge-m3
            MAX_MODEL_LEN: "512"
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['GPU_MEMORY_UTILIZATION']);
    const fixed = applyFix(text, preferredFix(found[0]!));
    assert.ok(fixed.includes('- MAX_TOTAL_TOKENS=4096\n      - CUDA_MEMORY_FRACTION=0.8'), 'TGI: renamed to the env var it reads');
    const both = text.replace('- MAX_TOTAL_TOKENS=4096', '- CUDA_MEMORY_FRACTION=0.7');
    const removed = applyFix(both, preferredFix(findingsOf(RULE, both)[0]!));
    assert.ok(!removed.includes('GPU_MEMORY_UTILIZATION') && removed.includes('CUDA_MEMORY_FRACTION=0.7'), removed);
  });

  it('maps a boolean env var to a bare flag, appended to a string command', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: --model m --port 8000
          environment:
            - ENFORCE_EAGER=true
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('command: --model m --port 8000 --enforce-eager\n'), fixed);
    assert.ok(!fixed.includes('environment'), 'the emptied environment key goes too');
  });

  it('inserts a command after image when there is none (vllm serve is the entrypoint, so only the flag)', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          environment:
            MAX_MODEL_LEN: 8192
          ports: ["8000:8000"]
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('image: vllm/vllm-openai:latest\n    command: ["--max-model-len", "8192"]\n'), fixed);
  });

  it('reports removed vLLM env vars with their replacement flag, and near-miss spellings', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--model", "m"]
          environment:
            VLLM_ATTENTION_BACKEND: FLASHINFER
            VLLM_LOGGING_LEVL: INFO
    `;
    const [removed, typo] = findingsOf(RULE, text);
    assert.match(removed!.message, /removed on 2026-01-22.*--attention-backend/);
    assert.ok(applyFix(text, preferredFix(removed!)).includes('command: ["--model", "m", "--attention-backend", "FLASHINFER"]'));
    assert.equal(rangeText(text, typo!), 'VLLM_LOGGING_LEVL');
    assert.ok(applyFix(text, preferredFix(typo!)).includes('VLLM_LOGGING_LEVEL: INFO'));
  });

  it('does not judge removed or unknown VLLM_* names on images pinned before v0.21.0', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.10.1
          environment:
            - VLLM_USE_V1=1
            - VLLM_ATTENTION_BACKEND=FLASH_ATTN
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('on a tag that names no release (`gptoss`, a one-off build), reports only near-misses of names vLLM reads', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:gptoss
          environment:
            VLLM_ATTENTION_BACKEND: TRITON_ATTN_VLLM_V1
            VLLM_SOMETHING_NEW: "1"
            VLLM_LOGGING_LEVL: INFO
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => rangeText(text, f)), ['VLLM_LOGGING_LEVL']);
  });

  it('does not take `${NAME}` in the command for a use of the entry (Compose fills it from the shell or .env), only `$${NAME}`', () => {
    const text = yaml`
      services:
        interpolated:
          image: vllm/vllm-openai:v0.11.0
          command: ["--model", "m", "--max-model-len", "\${VLLM_MAX_MODEL_LEN}"]
          environment:
            VLLM_MAX_MODEL_LEN: "4096"
        escaped:
          image: vllm/vllm-openai:v0.11.0
          entrypoint: ["sh", "-c", "vllm serve m --max-model-len $\${VLLM_MAX_MODEL_LEN}"]
          environment:
            VLLM_MAX_MODEL_LEN: "4096"
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), 'VLLM_MAX_MODEL_LEN');
    assert.match(f!.message, /`\$\{VLLM_MAX_MODEL_LEN\}` in the command is Compose's interpolation, filled from the shell or \.env at `up`, not from `environment:`\.$/);
    // The command already sets the flag: the fix removes the entry and leaves the command alone.
    const fixed = applyFix(text, preferredFix(f!));
    assert.ok(fixed.includes('command: ["--model", "m", "--max-model-len", "${VLLM_MAX_MODEL_LEN}"]\n  escaped:'), fixed);
  });

  it('explains VLLM_PORT set to the published port (it is not the HTTP port)', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--model", "m"]
          ports: ["8080:8080"]
          environment:
            - VLLM_PORT=8080
    `;
    const [f] = findingsOf(RULE, text);
    assert.match(f!.message, /not the HTTP port/);
    assert.ok(applyFix(text, preferredFix(f!)).includes('command: ["--model", "m", "--port", "8080"]'));
  });

  it('reads published ports the way the stack plan does: ranges, IPv6 hosts, protocols, long syntax, expose', () => {
    for (const ports of ['["8079-8081:8079-8081"]', '["[::1]:9000:8080"]', '["127.0.0.1:9000:8080/tcp"]', '["8080/udp"]', '[{ target: 8080, published: "9000" }]']) {
      const text = yaml`
        services:
          vllm:
            image: vllm/vllm-openai:latest
            command: ["--model", "m"]
            ports: ${ports}
            environment:
              - VLLM_PORT=8080
      `;
      const [f] = findingsOf(RULE, text);
      assert.match(f?.message ?? '', /the published port 8080 reaches nothing/, ports);
    }
    const exposed = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--model", "m"]
          expose: ["8079-8081"]
          environment:
            - VLLM_PORT=8080
    `;
    assert.match(findingsOf(RULE, exposed)[0]?.message ?? '', /the published port 8080 reaches nothing/);
  });

  describe('VLLM_PORT and VLLM_HOST_IP (vLLM\'s distributed communication, not the HTTP server)', () => {
    const service = (command: string, env: string, ports = '["8000:8000"]') => yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.10.1
          command: ${command}
          ports: ${ports}
          environment:
            ${env}
    `;

    it('VLLM_PORT holding a URI (a Kubernetes service env var) is an error vLLM stops with: remove it', () => {
      const text = service('["--model", "m"]', 'VLLM_PORT: "tcp://10.0.0.3:8000"');
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(rangeText(text, f!), 'VLLM_PORT');
      assert.equal(f!.message, 'VLLM_PORT holds a URI (as Kubernetes service env vars do): vLLM refuses to start with "appears to be a URI". It is not the HTTP port; use --port.');
      const fix = preferredFix(f!);
      assert.equal(fix.title, 'Remove VLLM_PORT');
      assert.ok(!applyFix(text, fix).includes('VLLM_PORT'));
    });

    it('VLLM_PORT equal to the HTTP port (--port, else 8000) clashes with it', () => {
      for (const [command, http] of [['["--model", "m"]', '8000'], ['["--model", "m", "--port", "9000"]', '9000']] as const) {
        const text = service(command, `VLLM_PORT: "${http}"`);
        const [f] = findingsOf(RULE, text);
        assert.equal(f?.message, `VLLM_PORT is vLLM's base port for internal distributed communication, not the HTTP port: set to the HTTP port (${http}) the two clash. Remove it, or pick a free port.`, command);
        assert.equal(preferredFix(f!).title, 'Remove VLLM_PORT');
      }
    });

    it('VLLM_PORT set elsewhere (29500), or to a published port while --port is given, is left alone', () => {
      assert.deepEqual(findingsOf(RULE, service('["--model", "m"]', 'VLLM_PORT: "29500"')), []);
      assert.deepEqual(findingsOf(RULE, service('["--model", "m", "--port", "9000"]', 'VLLM_PORT: "8080"', '["8080:8080", "9000:9000"]')), []);
      assert.deepEqual(findingsOf(RULE, service('["--model", "m"]', 'VLLM_PORT: ""')), []);
    });

    it('VLLM_HOST_IP set to a bind address: use --host, or remove it when --host is there', () => {
      for (const address of ['0.0.0.0', '::', '[::]', '127.0.0.1', 'localhost']) {
        const text = service('["--model", "m"]', `VLLM_HOST_IP: "${address}"`);
        const [f] = findingsOf(RULE, text);
        assert.equal(f?.message, `VLLM_HOST_IP is this node's IP for vLLM's distributed communication, not the HTTP bind address; ${address} there can break multi-GPU start-up. Use --host instead.`, address);
        const fix = preferredFix(f!);
        assert.equal(fix.title, 'Move VLLM_HOST_IP to --host on the command line');
        assert.ok(applyFix(text, fix).includes(`command: ["--model", "m", "--host", "${address}"]`), address);
      }
      const withHost = service('["--model", "m", "--host", "0.0.0.0"]', 'VLLM_HOST_IP: "0.0.0.0"');
      const [f] = findingsOf(RULE, withHost);
      assert.equal(f?.message, "VLLM_HOST_IP is this node's IP for vLLM's distributed communication, not the HTTP bind address; 0.0.0.0 there can break multi-GPU start-up. Remove it instead.");
      assert.equal(preferredFix(f!).title, 'Remove VLLM_HOST_IP');
    });

    it('VLLM_HOST_IP set to this node\'s real address (multi-node) is what it is for: no finding', () => {
      assert.deepEqual(findingsOf(RULE, service('["--model", "m"]', 'VLLM_HOST_IP: "10.0.0.7"')), []);
      assert.deepEqual(findingsOf(RULE, service('["--model", "m"]', 'VLLM_HOST_IP: "0.0.0.0.example"')), []);
    });
  });

  it('stays quiet when a shell script in the command reads the variable', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          entrypoint: ["/bin/sh", "-c"]
          command: ["vllm serve m --gpu-memory-utilization $$GPU_MEMORY_UTILIZATION"]
          environment:
            - GPU_MEMORY_UTILIZATION=0.8
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('reports at the merge key and offers no fix when the env comes from an anchor', () => {
    const text = yaml`
      x-env: &env
        environment:
          MAX_NUM_SEQS: "64"
      services:
        vllm:
          image: vllm/vllm-openai:latest
          <<: *env
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*env');
    assert.deepEqual(f!.fixes, []);
  });

  it('reads Dockerfile ENV in the final stage of a vLLM image (no fix)', () => {
    const text = dockerfile`
      FROM python:3.12 AS tools
      ENV MAX_MODEL_LEN=1
      FROM vllm/vllm-openai:latest
      ENV GPU_MEMORY_UTILIZATION=0.8 VLLM_LOGGING_LEVEL=INFO
    `;
    const found = findingsOf(RULE, text, 'dockerfile');
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['GPU_MEMORY_UTILIZATION']);
    assert.equal(found[0]!.range.start.line, 3);
  });

  for (const value of ['1', '0', '2']) {
    it(`moves SGLang's TP_SIZE: "${value}" to --tp-size ${value}, a size and not a switch`, () => {
      const text = yaml`
        services:
          sglang:
            image: lmsysorg/sglang:v0.4.9.post6-cu126
            command: python3 -m sglang.launch_server --model-path Qwen/Qwen3-8B
            environment:
              TP_SIZE: "${value}"
      `;
      const [f] = findingsOf(RULE, text);
      assert.equal(rangeText(text, f!), 'TP_SIZE');
      const fix = preferredFix(f!);
      assert.equal(fix.title, 'Move TP_SIZE to --tp-size on the command line');
      const fixed = applyFix(text, fix);
      assert.ok(fixed.includes(`--model-path Qwen/Qwen3-8B --tp-size ${value}\n`), fixed);
      assert.ok(!fixed.includes('TP_SIZE'), fixed);
    });
  }

  it('does not choke on keys that are not shell names (a regex built from them used to throw)', () => {
    const text = 'services:\n  vllm:\n    entrypoint: python3 -m vllm.entrypoints.openai.api_server\n    environment:\n      "(": "false"\n      "A.B": x\n';
    const all = findingsOf('internal-error', text);
    assert.deepEqual(all, []);
  });
});
