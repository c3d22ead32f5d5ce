import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerfile, findingsOf, rangeText, toCrlf } from '../helpers';

const RULE = 'dockerfile-model-weights-baked';

const bad = dockerfile`
  FROM vllm/vllm-openai:v0.11.0
  # the weights, baked in
  COPY --chown=1000:1000 ./models/llama /models/llama
  RUN pip install -U huggingface_hub && \\
      huggingface-cli download Qwen/Qwen3-0.6B --local-dir /weights
  ADD https://huggingface.co/org/m/resolve/main/model.gguf /gguf/
  COPY app.py config.json /app/
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`reports the COPY source, the download command and the ADD URL (${name})`, () => {
      const found = findingsOf(RULE, text, 'dockerfile');
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['./models/llama', 'huggingface-cli download', 'https://huggingface.co/org/m/resolve/main/model.gguf']);
      assert.ok(found.every((f) => f.severity === 'warning' && f.fixes.length === 0));
      assert.deepEqual(found[1]!.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 28 } });
    });
  }

  describe('recognises the usual downloads', () => {
    const runs: Array<[string, string]> = [
      ['RUN hf download org/model', 'hf download'],
      ['RUN python -c "from huggingface_hub import snapshot_download; snapshot_download(\'org/m\')"', 'snapshot_download('],
      ['RUN ollama serve & sleep 5 && ollama pull llama3', 'ollama pull'],
      ['RUN git lfs pull', 'git lfs pull'],
      ['RUN git clone https://huggingface.co/org/model /m', 'git clone https://huggingface.co/'],
      ['RUN wget -q https://example.com/x/model.safetensors -O /m/model.safetensors', 'wget'],
      ['RUN curl -L -o /m/w.gguf https://example.com/w.gguf', 'curl'],
      ['RUN ["huggingface-cli", "download", "org/m"]', 'huggingface-cli", "download'],
      ['RUN python download_model.py --output /m', 'download_model.py'],
      ['RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\')"', 'from_pretrained('],
    ];
    for (const [run, at] of runs) {
      it(run, () => {
        const text = `FROM python:3.12\n${run}\n`;
        const [f, ...rest] = findingsOf(RULE, text, 'dockerfile');
        assert.equal(rest.length, 0);
        assert.equal(rangeText(text, f!), at);
      });
    }
  });

  describe('stays quiet on', () => {
    const quiet: Array<[string, string]> = [
      ['ordinary files and folders', 'FROM python:3.12\nCOPY app/models ./app/models\nCOPY . .\nCOPY --from=ghcr.io/astral-sh/uv:0.5.31 /uv /bin/\n'],
      ['downloads of other things', 'FROM python:3.12\nRUN curl -fsSL https://ollama.com/install.sh | sh && wget https://x.org/cmake.tar.gz -O /tmp/c.tgz\nRUN pip install huggingface_hub\n'],
      ['a tokenizer download', 'FROM python:3.12\nRUN python -c "from transformers import AutoTokenizer; AutoTokenizer.from_pretrained(\'org/m\')"\n'],
      ['a Space or a dataset', 'FROM python:3.12\nADD https://huggingface.co/spaces/org/demo.git /demo\nRUN git clone https://huggingface.co/datasets/org/d /d\n'],
      ['a download in a comment line', 'FROM python:3.12\nRUN apt-get update && \\\n# huggingface-cli download org/m\n    apt-get install -y curl\n'],
      ['a builder stage whose download is not copied', 'FROM python:3.12 AS fetch\nRUN hf download org/m --local-dir /weights\nRUN make /out/server\nFROM python:3.12\nCOPY --from=fetch /out/server /app/\n'],
      ['a stage that does not ship', 'FROM python:3.12 AS test\nCOPY models /models\nFROM python:3.12\nCOPY app /app\n'],
    ];
    for (const [label, text] of quiet) {
      it(label, () => assert.deepEqual(findingsOf(RULE, text, 'dockerfile'), []));
    }
  });

  it('reports a COPY --from that takes the weights a builder downloaded', () => {
    const text = 'FROM python:3.12 AS fetch\nRUN hf download org/m --local-dir /opt/hub/m\nFROM vllm/vllm-openai:v0.11.0\nCOPY --from=fetch /opt/hub /opt/hub\n';
    const [f, ...rest] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rest.length, 0);
    assert.equal(rangeText(text, f!), '/opt/hub');
    assert.equal(f!.range.start.line, 3);
    assert.match(f!.message, /line 2/);
  });

  it('reports a COPY --from of the builder\'s Hugging Face cache', () => {
    const text = 'FROM python:3.12 AS fetch\nRUN python -c "from transformers import AutoModel; AutoModel.from_pretrained(\'org/m\')"\nFROM python:3.12\nCOPY --from=fetch /root/.cache /root/.cache\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '/root/.cache');
  });

  it('reports ADD of a Hub model repository', () => {
    const text = 'FROM python:3.12\nADD https://huggingface.co/org/model.git /m\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), 'https://huggingface.co/org/model.git');
  });

  it('reports a download in a stage the final stage is built from', () => {
    const text = 'FROM python:3.12 AS base\nRUN ollama pull llama3\nFROM base\nCMD ["serve"]\n';
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), 'ollama pull');
    assert.equal(f!.range.start.line, 1);
  });
});
