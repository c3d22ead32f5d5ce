/**
 * The pages document links open for an image or a model id: the registry's or Hugging Face's, only for references
 * well-formed as written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { huggingFacePage, imagePage } from '../../server/src/compose/registryPages';

describe('registry pages', () => {
  it('names the page of an image on the registries it knows', () => {
    const cases: Array<[string, string | undefined]> = [
      ['redis', 'https://hub.docker.com/_/redis'],
      ['redis:7.4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'https://hub.docker.com/_/redis'],
      ['docker.io/library/redis:7', 'https://hub.docker.com/_/redis'],
      ['docker.io/vllm/vllm-openai:v0.11.0', 'https://hub.docker.com/r/vllm/vllm-openai'],
      ['ollama/ollama', 'https://hub.docker.com/r/ollama/ollama'],
      ['ghcr.io/ggml-org/llama.cpp:server-cuda', 'https://ghcr.io/ggml-org/llama.cpp'],
      ['nvcr.io/nvidia/tritonserver:24.08-py3', 'https://catalog.ngc.nvidia.com/orgs/nvidia/containers/tritonserver'],
      ['nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8', 'https://catalog.ngc.nvidia.com/orgs/nim/teams/meta/containers/llama-3.1-8b-instruct'],
      ['quay.io/prometheus/prometheus', 'https://quay.io/repository/prometheus/prometheus'],
      ['hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF', undefined],
      // Registries we know no page of, and what is not an image reference as written
      ['registry.example.com/team/app:1', undefined],
      ['localhost:5000/app', undefined],
      ['docker.io/a/b/c', undefined],
      ['${REGISTRY}/vllm/vllm-openai:v0.11.0', undefined],
      ['vllm/vllm-openai:${TAG}', undefined],
      ['VLLM/vllm-openai', undefined],
      ['[x](command:workbench.action.quit)', undefined],
      ['nginx latest', undefined],
    ];
    assert.deepEqual(
      cases.map(([ref]) => [ref, imagePage(ref)?.url]),
      cases,
    );
    // Model Runner pulls Hugging Face models by their hf.co reference (lower case only, as every image name).
    assert.equal(imagePage('hf.co/bartowski/llama-3.2-1b-instruct-gguf')?.url, 'https://huggingface.co/bartowski/llama-3.2-1b-instruct-gguf');
  });

  it('names the Hugging Face page of a model id written owner/name', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Qwen/Qwen3-0.6B', 'https://huggingface.co/Qwen/Qwen3-0.6B'],
      ['meta-llama/Llama-3.1-8B-Instruct', 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct'],
      ['ggml-org/gemma-3-1b-it-GGUF:Q4_K_M', 'https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF'],
      ['/models/llama', undefined],
      ['./models/llama', undefined],
      ['llama3', undefined],
      ['org/name/extra', undefined],
      ['org--x/name', undefined],
      ['org/na..me', undefined],
      ['https://huggingface.co/Qwen/Qwen3-0.6B', undefined],
      ['${MODEL}', undefined],
      ['Qwen/Qwen3 0.6B', undefined],
    ];
    assert.deepEqual(
      cases.map(([id]) => [id, huggingFacePage(id)?.url]),
      cases,
    );
  });
});
