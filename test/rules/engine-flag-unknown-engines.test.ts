import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flagTable } from '../../server/src/engines/engineFlagTables';
import { applyFix, assertFixResolves, dockerfile, findingsOf, preferredFix, rangeText, yaml } from '../helpers';

const RULE = 'engine-flag-unknown';

/** What each engine's parser refuses, as its own source says (facts/<engine>-flags.json). */
describe(`${RULE}: engines other than vLLM`, () => {
  it('TGI (clap): a misspelt flag in `command:` stops the launcher; the fix writes the real one', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          command: --model-id Qwen/Qwen3-0.6B --num-shards 2 --max_input_tokens 4096
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['--num-shards', '--max_input_tokens']);
    assert.match(found[0]!.message, /TGI has no flag `--num-shards`: it exits at start-up with "unexpected argument"\. Did you mean `--num-shard`\?/);
    // clap matches names exactly: TGI's own help text writes --num_shard, but the launcher refuses underscores.
    assert.match(found[1]!.message, /Did you mean `--max-input-tokens`/);
    assert.match(assertFixResolves(RULE, text), /--num-shard 2 --max_input_tokens 4096/);
    assert.match(applyFix(text, preferredFix(found[1]!)), /--num-shards 2 --max-input-tokens 4096/);
  });

  it('TGI: a removed flag is an error on a release without it, a note on one that has it, silent on a tag without a release', () => {
    const at = (tag: string) => yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:${tag}
          command: ["--model-id", "m", "--enable-cuda-graphs"]
    `;
    const [gone] = findingsOf(RULE, at('3.3.4'));
    assert.equal(gone!.severity, 'error');
    assert.match(gone!.message, /removed from TGI in TGI v2\.0\.0 and the image pins TGI 3\.3\.4/);
    const [still] = findingsOf(RULE, at('1.4.5'));
    assert.equal(still!.severity, 'info');
    assert.match(still!.message, /still works in TGI 1\.4\.5, the pinned image/);
    assert.deepEqual(findingsOf(RULE, at('sha-1a2b3c4')), []);
    assert.equal(findingsOf(RULE, at('latest'))[0]!.severity, 'error');
  });

  it('TGI and TEI read their flags from env too: known flags, env spellings and `--help` pass', () => {
    const text = yaml`
      services:
        tgi:
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          command: --model-id m --num-shard 2 --trust-remote-code -p 8080 --cuda-graphs 1,2,4
        tei:
          image: ghcr.io/huggingface/text-embeddings-inference:cuda-1.7
          command: --model-id BAAI/bge-small-en-v1.5 --pooling cls --max-batch-tokens 16384 --help
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('TEI (clap, no abbreviations): a prefix of a flag is refused; on an older release than the facts, a warning', () => {
    const at = (tag: string) => yaml`
      services:
        tei:
          image: ghcr.io/huggingface/text-embeddings-inference:${tag}
          command: ["--model-id", "BAAI/bge-small-en-v1.5", "--max-batch", "8"]
    `;
    const text = at('cuda-latest');
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '--max-batch');
    assert.equal(f!.severity, 'error');
    assert.match(f!.message, /TEI has no flag `--max-batch`/);
    const [old] = findingsOf(RULE, at('1.7'));
    assert.equal(old!.severity, 'warning');
    assert.match(old!.message, /TEI \(as of v1\.9\.3, 2026-07-24\) has no flag `--max-batch`\. It may still exist in TEI 1\.7, the pinned image/);
  });

  it('SGLang (argparse): a unique prefix works, a flag of another engine does not; found after `-m sglang.launch_server`', () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --model-path m --tp 2 --mem-fraction 0.8 --gpu-memory-utilization 0.9
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['--gpu-memory-utilization']);
    assert.match(found[0]!.message, /SGLang has no flag `--gpu-memory-utilization`: it exits at start-up with "unrecognized arguments"/);
  });

  it('llama-server: no `--flag=value` form, no abbreviations, `_` read as `-`', () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:server-cuda
          command: -m /models/q.gguf --port=8080 --n_gpu_layers 99 --ctx 4096
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['--port=8080', '--ctx']);
    assert.match(found[0]!.message, /takes no `--port=value` form: .*Write the flag and its value as two words: `--port 8080`/);
    assert.match(found[1]!.message, /llama-server has no flag `--ctx`: it exits at start-up with "invalid argument"/);
  });

  it("llama.cpp's `full` image runs a tools script, not the server: its command is not judged as llama-server's", () => {
    const text = yaml`
      services:
        llama:
          image: ghcr.io/ggml-org/llama.cpp:full-cuda
          command: --server -m /models/q.gguf --port 8080
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('tritonserver (getopt_long): unambiguous prefixes pass, an unknown option does not', () => {
    const text = yaml`
      services:
        triton:
          image: nvcr.io/nvidia/tritonserver:26.10-py3
          command: tritonserver --model-repository=/models --model-control=explicit --log-verbos 1
    `;
    const found = findingsOf(RULE, text);
    // `--log-verbos` is a prefix of `--log-verbose` alone: getopt_long takes it.
    assert.deepEqual(found, []);
    const bad = text.replace('--log-verbos 1', '--strict-readiness-check true');
    // A republished image (a private mirror) is still tritonserver.
    const mirrored = bad.replace('nvcr.io/nvidia/tritonserver', 'registry.example.com/mirror/tritonserver');
    assert.equal(findingsOf(RULE, mirrored).length, 1);
    const [f] = findingsOf(RULE, bad);
    assert.equal(rangeText(bad, f!), '--strict-readiness-check');
    assert.match(f!.message, /tritonserver has no flag/);
  });

  it('Dockerfile: an SGLang CMD with a typo', () => {
    const text = dockerfile`
      FROM lmsysorg/sglang:v0.5.2-cu126
      # A near-typo of a current flag is wrong in every release: an error even on an older image.
      CMD ["python3", "-m", "sglang.launch_server", "--model-path", "m", "--contxt-length", "4096"]
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '--contxt-length');
    assert.match(f!.message, /Did you mean `--context-length`/);
  });

  it('Ollama takes no flags on `serve`, and a custom image is not judged', () => {
    const text = yaml`
      services:
        ollama:
          image: ollama/ollama:0.6.0
          command: serve
        custom:
          image: registry.example.com/acme/tgi-fork:1.0
          command: --model-id m --whatever 1
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('every table names its source commit and has flags', () => {
    for (const id of ['tgi', 'tei', 'sglang', 'llamacpp', 'triton'] as const) {
      const table = flagTable(id)!;
      assert.match(table.commit, /^[0-9a-f]{40}$/, id);
      assert.ok(table.flags.length > 20, `${id}: ${table.flags.length} flags`);
    }
  });
});

describe('derived images that name their vLLM release in the tag', () => {
  it('are vLLM of that release: a removed flag still works there (info), and the serving rules apply', () => {
    const text = yaml`
      services:
        llm:
          image: ghcr.io/acme/inference:vllm-openai-v0.9.1
          command: ["vllm", "serve", "Qwen/Qwen3-0.6B", "--swap-space", "4"]
    `;
    const [f] = findingsOf(RULE, text);
    assert.equal(rangeText(text, f!), '--swap-space');
    assert.equal(f!.severity, 'info');
    assert.match(f!.message, /still works in vLLM 0\.9\.1, the pinned image/);
    assert.equal(findingsOf('healthcheck-missing', text).length, 1);
    // A tag that merely mentions vLLM without a release says nothing about the image.
    assert.deepEqual(findingsOf('healthcheck-missing', text.replace('vllm-openai-v0.9.1', 'vllm-experiments').replace(/command: .*\n/, '')), []);
  });
});
