import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, assertFixResolves, findingsOf, preferredFix, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'model-cache-not-mounted';

const bare = yaml`
  services:
    # the model server
    vllm:
      image: vllm/vllm-openai:v0.11.0
      command: --model Qwen/Qwen3-0.6B
`;

const withVolumes = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      volumes:
        - ./chat.template:/root/chat.template:ro
      command: ["--model", "Qwen/Qwen3-0.6B"]
  volumes:
    # shared data
    data: {}
`;

/** A vLLM service with the given `volumes:` items (and extra service lines). */
function vllmWith(volumeLines: string, extra = ''): string {
  return `services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n${extra}    volumes:\n${volumeLines}`;
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bare], ['CRLF', toCrlf(bare)]] as const) {
    const eol = name === 'CRLF' ? '\r\n' : '\n';
    it(`fires at the service name when nothing is mounted (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'warning');
      assert.deepEqual(f!.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 6 } });
      assert.equal(rangeText(text, f!), 'vllm');
      assert.match(f!.message, /\/root\/\.cache\/huggingface/);
    });

    it(`its fix mounts a named volume and declares it at the top level (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const expected = [
        'services:',
        '  # the model server',
        '  vllm:',
        '    image: vllm/vllm-openai:v0.11.0',
        '    command: --model Qwen/Qwen3-0.6B',
        '    volumes:',
        '      - vllm-model-cache:/root/.cache/huggingface',
        'volumes:',
        '  vllm-model-cache:',
        '',
      ].join(eol);
      assert.equal(fixed, expected);
    });
  }

  it('reports at `volumes:` and appends to the list and to the top-level map', () => {
    const [f, ...rest] = findingsOf(RULE, withVolumes);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(withVolumes, f!), 'volumes');
    assert.equal(f!.range.start.line, 3);
    const fixed = assertFixResolves(RULE, withVolumes);
    assert.ok(fixed.includes('      - ./chat.template:/root/chat.template:ro\n      - vllm-model-cache:/root/.cache/huggingface\n'), fixed);
    assert.ok(fixed.endsWith('  # shared data\n  data: {}\n  vllm-model-cache:\n'), fixed);
    assert.ok(fixed.includes('# shared data'));
  });

  it('keeps a 4-space indentation step', () => {
    const text = 'services:\n    tgi:\n        image: ghcr.io/huggingface/text-generation-inference:3.3.5\n';
    const fixed = applyFix(text, preferredFix(findingsOf(RULE, text)[0]!));
    assert.equal(fixed, text + '        volumes:\n            - tgi-model-cache:/data\nvolumes:\n    tgi-model-cache:\n');
  });

  it('handles a file without a final line break', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0';
    const fixed = assertFixResolves(RULE, text);
    assert.equal(fixed, text + '\n    volumes:\n      - vllm-model-cache:/root/.cache/huggingface\nvolumes:\n  vllm-model-cache:\n');
  });

  it('fills an empty top-level `volumes:` key', () => {
    const text = 'services:\n  ollama:\n    image: ollama/ollama:0.12.0\nvolumes:\n';
    const fixed = assertFixResolves(RULE, text);
    assert.equal(fixed, 'services:\n  ollama:\n    image: ollama/ollama:0.12.0\n    volumes:\n      - ollama-model-cache:/root/.ollama\nvolumes:\n  ollama-model-cache:\n');
  });

  it('stays quiet for an Ollama client job (`pull` against OLLAMA_HOST), not for `serve`', () => {
    const job = (command: string) =>
      `services:\n  pull:\n    image: ollama/ollama:0.12.0\n    command: ${command}\n    environment:\n      OLLAMA_HOST: http://ollama:11434\n`;
    assert.deepEqual(findingsOf(RULE, job('["pull", "llama3.2"]')), []);
    assert.equal(findingsOf(RULE, job('["serve"]')).length, 1);
  });

  it('does not declare a volume twice', () => {
    const text = 'services:\n  ollama:\n    image: ollama/ollama:0.12.0\nvolumes:\n  ollama-model-cache:\n';
    const f = findingsOf(RULE, text)[0]!;
    assert.equal(preferredFix(f).edits.length, 1);
    assertFixResolves(RULE, text);
  });

  describe('stays quiet when a volume holds the weights', () => {
    const cases: Array<[string, string]> = [
      ['a named volume', vllmWith('      - hf:/root/.cache/huggingface\n')],
      ['a bind mount from home', vllmWith('      - ~/.cache/huggingface:/root/.cache/huggingface\n')],
      ['a read-only mode', vllmWith('      - hf:/root/.cache/huggingface:ro\n')],
      ['a parent folder', vllmWith('      - cache:/root/.cache\n')],
      ['a child folder', vllmWith('      - hub:/root/.cache/huggingface/hub\n')],
      ['the non-root home', vllmWith('      - hf:/home/vllm/.cache/huggingface\n')],
      ['a default with a colon in ${...}', vllmWith('      - ${HF_CACHE:-./hf}:/root/.cache/huggingface\n')],
      ['long syntax', vllmWith('      - type: volume\n        source: hf\n        target: /root/.cache/huggingface\n')],
      ['a target only known at up time', vllmWith('      - hf:${CACHE_DIR}\n')],
      ['HF_HOME moved to /data', vllmWith('      - ./data:/data\n', '    environment:\n      HF_HOME: /data\n')],
      ['HF_HUB_CACHE in list form', vllmWith('      - ./hub:/hub\n', '    environment:\n      - HF_HUB_CACHE=/hub\n')],
      ['--download-dir', vllmWith('      - ./w:/weights\n', '    command: --model org/m --download-dir /weights\n')],
      ['a local model folder', vllmWith('      - ./models:/models:ro\n', '    command: --model /models/llama-3-8b\n')],
      ['vllm serve with a positional local model', vllmWith('      - ./models:/models\n', '    entrypoint: ["vllm", "serve", "/models/llama"]\n')],
    ];
    for (const [label, text] of cases) {
      it(label, () => assert.deepEqual(findingsOf(RULE, text), []));
    }

    it('Ollama with OLLAMA_MODELS', () => {
      const text = 'services:\n  ollama:\n    image: ollama/ollama:0.12.0\n    environment:\n      OLLAMA_MODELS: /models\n    volumes:\n      - m:/models\n';
      assert.deepEqual(findingsOf(RULE, text), []);
    });

    it('llama.cpp with a relative -m path under a mounted folder', () => {
      const text = 'services:\n  llama:\n    image: ghcr.io/ggml-org/llama.cpp:server-cuda\n    command: -m models/7B/model.gguf\n    volumes:\n      - /srv/models:/models\n';
      assert.deepEqual(findingsOf(RULE, text), []);
    });

    it('volumes inherited through a merge key', () => {
      const text = yaml`
        x-base: &base
          volumes:
            - hf:/root/.cache/huggingface
        services:
          vllm:
            <<: *base
            image: vllm/vllm-openai:v0.11.0
      `;
      assert.deepEqual(findingsOf(RULE, text), []);
    });
  });

  describe('stays quiet when it is not a known engine', () => {
    it('a GPU service of an unknown image', () => {
      const text = 'services:\n  app:\n    image: my/app:1\n    gpus: all\n';
      assert.deepEqual(findingsOf(RULE, text), []);
    });

    it('a local model in a custom image (may be baked in)', () => {
      const text = 'services:\n  vllm:\n    image: me/vllm-with-model:1\n    command: vllm serve /models/llama\n';
      assert.deepEqual(findingsOf(RULE, text), []);
    });
  });

  it('fires for a tmpfs mount, which loses the weights on every restart', () => {
    const text = vllmWith('      - type: tmpfs\n        target: /root/.cache/huggingface\n');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), 'volumes');
  });

  it('mounts at HF_HOME when the service moves the cache', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    environment:\n      HF_HOME: /data/hf\n';
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('- vllm-model-cache:/data/hf\n'), fixed);
  });

  it('mounts a llama.cpp -hf download at its cache folder', () => {
    const text = 'services:\n  llama:\n    image: ghcr.io/ggml-org/llama.cpp:server\n    command: -hf ggml-org/gemma-3-1b-it-GGUF\n';
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('- llama-model-cache:/root/.cache/llama.cpp\n'), fixed);
  });

  it('a local model path that is not mounted fires without a fix (an empty volume would not help)', () => {
    const text = 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command: --model /models/llama\n';
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.match(f!.message, /\/models\/llama/);
    assert.deepEqual(f!.fixes, []);
  });

  it('reports at the merge key without a fix when the volume list is inherited', () => {
    const text = yaml`
      x-base: &base
        volumes:
          - ./cfg:/cfg
      services:
        vllm:
          <<: *base
          image: vllm/vllm-openai:v0.11.0
    `;
    const [f, ...rest] = findingsOf(RULE, text);
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '*base');
    assert.deepEqual(f!.fixes, []);
  });

  it('applying the fixes of two services one after the other leaves one top-level block', () => {
    const text = 'services:\n  a:\n    image: vllm/vllm-openai:v0.11.0\n  b:\n    image: lmsysorg/sglang:v0.5.0\n    command: python3 -m sglang.launch_server --model-path org/m\n';
    const once = applyFix(text, preferredFix(findingsOf(RULE, text)[0]!));
    const twice = applyFix(once, preferredFix(findingsOf(RULE, once)[0]!));
    assert.deepEqual(findingsOf(RULE, twice), []);
    assert.equal(twice.match(/^volumes:/gm)?.length, 1, twice);
    assert.ok(twice.endsWith('volumes:\n  a-model-cache:\n  b-model-cache:\n'), twice);
  });
});

describe('model-cache-not-mounted: Xinference', () => {
  it('asks for a volume at its models folder (XINFERENCE_HOME, /root/.xinference by default); any of its caches counts', () => {
    const text = yaml`
      services:
        xinference:
          image: xprobe/xinference:v1.9.0
          command: xinference-local -H 0.0.0.0
          gpus: all
    `;
    const [f] = findingsOf('model-cache-not-mounted', text);
    assert.match(f!.message, /Service "xinference" \(Xinference\) downloads models to \/root\/\.xinference, but no volume is mounted there/);
    assert.match(applyFix(text, preferredFix(f!)), /- xinference-model-cache:\/root\/\.xinference/);
    const hfMounted = text.replace('    gpus: all\n', '    gpus: all\n    volumes:\n      - ./hf:/root/.cache/huggingface\n');
    assert.deepEqual(findingsOf('model-cache-not-mounted', hfMounted), []);
    const moved = text.replace('    gpus: all\n', '    gpus: all\n    environment:\n      XINFERENCE_HOME: /data/xinference\n    volumes:\n      - models:/data\n');
    assert.deepEqual(findingsOf('model-cache-not-mounted', moved), []);
  });
});

describe('model-cache-not-mounted: NVIDIA NIM', () => {
  const nim = (image: string, volume?: string) =>
    `services:\n  nim:\n    image: ${image}\n    gpus: all\n${volume ? `    volumes:\n      - ${volume}\n` : ''}`;

  it('asks for /opt/nim/.cache, and counts the caches NIMs of other kinds keep under their user\'s home', () => {
    const [f] = findingsOf(RULE, nim('nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3'));
    assert.match(f!.message, /Service "nim" \(NVIDIA NIM\) downloads model weights to \/opt\/nim\/\.cache, but no volume is mounted there/);
    assert.deepEqual(findingsOf(RULE, nim('nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3', '~/.cache/nim:/opt/nim/.cache')), []);
    // Riva speech NIMs: ~/.cache/nim; BioNeMo NIMs (user nvs): ~/.cache/nim/models, as NVIDIA's blueprint mounts it.
    assert.deepEqual(findingsOf(RULE, nim('nvcr.io/nim/nvidia/parakeet-ctc-1.1b-asr:1.0.0', 'riva:/home/ubuntu/.cache/nim')), []);
    assert.deepEqual(findingsOf(RULE, nim('nvcr.io/nim/mit/diffdock:1.2.0', '${DIFFDOCK_CACHE:-~/.cache/nim}:/home/nvs/.cache/nim/models/')), []);
    assert.equal(findingsOf(RULE, nim('nvcr.io/nim/mit/diffdock:1.2.0', 'x:/home/nvs/.cache/other')).length, 1);
  });
});
