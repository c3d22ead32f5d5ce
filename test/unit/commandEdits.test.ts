import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendFlags, mergeEdits, removeFlag, replaceFlagValue, scriptFlags } from '../../server/src/compose/commandEdits';
import { parseCompose } from '../../server/src/compose/composeFile';
import { describeService, findFlag, ServiceInfo } from '../../server/src/compose/service';
import type { SpanEdit } from '../../server/src/core/types';
import { toCrlf, yaml } from '../helpers';

function service(text: string): { file: ReturnType<typeof parseCompose>; info: ServiceInfo } {
  const file = parseCompose(text);
  return { file, info: describeService(file.services[0]!) };
}

function apply(text: string, edit: SpanEdit | undefined): string {
  assert.ok(edit, 'no edit');
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
}

/** A vLLM service with `command` (continuation lines already indented for the service level). */
const withCommand = (command: string) => `services:\n  vllm:\n    image: vllm/vllm-openai:latest\n    ${command}\n    ipc: host\n`;

describe('commandEdits.appendFlags', () => {
  const cases: Array<[string, string, string]> = [
    ['block list', 'command:\n    - --model\n    - m', 'command:\n    - --model\n    - m\n    - --max-model-len\n    - "4096"\n'],
    ['flow list', 'command: ["--model", "m"]', 'command: ["--model", "m", "--max-model-len", "4096"]\n'],
    ['empty flow list', 'command: []', 'command: ["--max-model-len", "4096"]\n'],
    ['plain string', 'command: --model m  # comment', 'command: --model m --max-model-len 4096  # comment\n'],
    ['double-quoted string', 'command: "--model m"', 'command: "--model m --max-model-len 4096"\n'],
    ['folded block', 'command: >\n      --model m\n      --port 8000', 'command: >\n      --model m\n      --port 8000\n      --max-model-len 4096\n    ipc'],
  ];
  for (const [name, command, expected] of cases) {
    for (const [eolName, conv] of [['LF', (t: string) => t], ['CRLF', toCrlf]] as const) {
      it(`appends to a ${name} (${eolName})`, () => {
        const text = conv(withCommand(command));
        const { file, info } = service(text);
        const out = apply(text, appendFlags(file, info, ['--max-model-len', '4096']));
        assert.ok(out.includes(conv(expected)), out);
        assert.deepEqual(parseCompose(out).syntaxErrors, []);
      });
    }
  }

  it('inserts command after image for vLLM when there is none', () => {
    const text = withCommand('shm_size: 1g');
    const { file, info } = service(text);
    assert.ok(apply(text, appendFlags(file, info, ['--enforce-eager'])).includes('image: vllm/vllm-openai:latest\n    command: ["--enforce-eager"]\n    shm_size'));
  });

  it('refuses shell wrappers, unknown entrypoint scripts and engines whose image has a CMD', () => {
    for (const text of [
      withCommand('command: ["sh", "-c", "vllm serve m"]'),
      withCommand('entrypoint: /start.sh'),
      yaml`
        services:
          ollama:
            image: ollama/ollama
      `,
    ]) {
      const { file, info } = service(text);
      assert.equal(appendFlags(file, info, ['--x']), undefined, text);
    }
  });
});

describe('commandEdits.replaceFlagValue / removeFlag', () => {
  const flagOf = (info: ServiceInfo, name: string) => findFlag(info.flags, [name])!;

  it('replaces a value in every form, keeping quotes', () => {
    for (const [command, expected] of [
      ['command: --model m --port 8000', '--port 9000'],
      ['command: ["--port=8000", "--model", "m"]', '"--port=9000"'],
      ['command:\n    - --port\n    - "8000"', '- "9000"'],
    ]) {
      const text = withCommand(command!);
      const { file, info } = service(text);
      assert.ok(apply(text, replaceFlagValue(file, info, flagOf(info, '--port'), '9000')).includes(expected!), command);
    }
  });

  it('removes a flag and its value from lists and strings, at any position', () => {
    const cases: Array<[string, string]> = [
      ['command: --model m --port 8000 --enforce-eager', 'command: --model m --enforce-eager\n'],
      ['command: --port 8000 --model m', 'command: --model m\n'],
      ['command: ["--model", "m", "--port", "8000"]', 'command: ["--model", "m"]\n'],
      ['command: ["--port", "8000", "--model", "m"]', 'command: ["--model", "m"]\n'],
      ['command:\n    - --port\n    - "8000"\n    - --model\n    - m', 'command:\n    - --model\n    - m\n'],
      ['command: --port 8000', 'image: vllm/vllm-openai:latest\n    ipc: host'],
    ];
    for (const [command, expected] of cases) {
      const text = withCommand(command);
      const { file, info } = service(text);
      const out = apply(text, removeFlag(file, info, flagOf(info, '--port')));
      assert.ok(out.includes(expected), `${command}\n---\n${out}`);
      assert.deepEqual(parseCompose(out).syntaxErrors, []);
    }
  });

  it('reads flags inside a shell script with exact spans', () => {
    const text = withCommand('command: ["bash", "-c", "vllm serve m --port 8000"]');
    const { file, info } = service(text);
    const port = findFlag(scriptFlags(file, info), ['--port'])!;
    assert.equal(text.slice(port.valueSpan!.start, port.valueSpan!.end), '8000');
    assert.ok(apply(text, removeFlag(file, info, port)).includes('"vllm serve m"'));
  });

  it('merges an insertion that touches a removal into one edit', () => {
    const merged = mergeEdits([
      { span: { start: 5, end: 9 }, newText: '' },
      { span: { start: 5, end: 5 }, newText: 'new' },
    ]);
    assert.deepEqual(merged, [{ span: { start: 5, end: 9 }, newText: 'new' }]);
  });
});
