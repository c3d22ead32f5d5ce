import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursorAt, describeServiceAt, listServices, toDocument, type ComposeCursor } from '../../server/src/compose/cursor';

/** The cursor at the `|` of `marked`, with the text it was taken from. */
function at(marked: string): { text: string; cursor: ComposeCursor } {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, cursor: cursorAt(text, offset) };
}

const shape = (c: ComposeCursor) => ({ path: c.path, slot: c.slot, word: c.wordText, prefix: c.prefix });

describe('compose cursor: what is at an offset, from the lines around it', () => {
  it('reads command arguments in every form: list item, string, flow, folded continuation, compact list', () => {
    const service = 'services:\n  vllm:\n    image: vllm/vllm-openai\n';
    assert.deepEqual(shape(at(`${service}    command:\n      - --model\n      - --gpu-m|em\n`).cursor), {
      path: ['services', 'vllm', 'command'],
      slot: 'item',
      word: '--gpu-mem',
      prefix: '--gpu-m',
    });
    assert.deepEqual(shape(at(`${service}    command: --model x --gpu|\n`).cursor), { path: ['services', 'vllm', 'command'], slot: 'value', word: '--gpu', prefix: '--gpu' });
    assert.deepEqual(shape(at(`${service}    command: [--model, "x", --gpu|]\n`).cursor).word, '--gpu');
    assert.deepEqual(shape(at(`${service}    command: >\n      --model x\n      --gpu|\n`).cursor), { path: ['services', 'vllm', 'command'], slot: 'value', word: '--gpu', prefix: '--gpu' });
    assert.deepEqual(shape(at(`${service}    command: [--model, x,\n      --gpu|\n`).cursor).path, ['services', 'vllm', 'command']);
    assert.deepEqual(shape(at(`${service}    command:\n    - --model\n    - |\n`).cursor), { path: ['services', 'vllm', 'command'], slot: 'item', word: '', prefix: '' });
  });

  it('tells a key being typed from a value: environment map and list, a new service key', () => {
    const service = 'services:\n  vllm:\n    image: vllm/vllm-openai\n';
    assert.deepEqual(shape(at(`${service}    environment:\n      HF_TOKEN: x\n      VLLM_|\n`).cursor), { path: ['services', 'vllm', 'environment'], slot: 'key', word: 'VLLM_', prefix: 'VLLM_' });
    assert.deepEqual(shape(at(`${service}    environment:\n      - VLLM_|=1\n`).cursor), { path: ['services', 'vllm', 'environment'], slot: 'item', word: 'VLLM_=1', prefix: 'VLLM_' });
    assert.deepEqual(shape(at(`${service}    environment:\n      VLLM_LOG|GING_LEVEL: DEBUG\n`).cursor).word, 'VLLM_LOGGING_LEVEL');
    assert.deepEqual(shape(at(`${service}    |\n`).cursor), { path: ['services', 'vllm'], slot: 'key', word: '', prefix: '' });
    assert.deepEqual(shape(at(`${service}    hea|\n  other:\n    image: x\n`).cursor).path, ['services', 'vllm']);
  });

  it('walks into sequences of maps, past comments and blank lines', () => {
    const text = [
      'services:',
      '  gpu:',
      '    deploy:',
      '      resources:',
      '        reservations:',
      '          # a comment: with a colon',
      '          devices:',
      '',
      '            - driver: nvidia',
      '              count: |1',
    ].join('\n');
    const { cursor } = at(text);
    assert.deepEqual(cursor.path, ['services', 'gpu', 'deploy', 'resources', 'reservations', 'devices', '-', 'count']);
    assert.equal(cursor.slot, 'value');
    assert.deepEqual(cursor.keys.map((k) => k.column), [0, 2, 4, 6, 8, 10, 14]);
  });

  it('gives the service block and key, and nothing outside services', () => {
    const text = 'name: x\nservices:\n  a:\n    image: one\n\n  b:\n    image: t|wo\n    command: [x]\nvolumes:\n  data:\n';
    const { text: plain, cursor } = at(text);
    assert.equal(cursor.service?.name, 'b');
    assert.equal(plain.slice(cursor.service!.keyAt.start, cursor.service!.keyAt.end), 'b');
    assert.equal(plain.slice(cursor.service!.block.start, cursor.service!.block.end), '  b:\n    image: two\n    command: [x]\n');
    assert.equal(at(text.replace('t|wo', 'two').replace('data:', 'da|ta:')).cursor.service, undefined);
    assert.deepEqual(at(text.replace('t|wo', 'two').replace('name: x', 'na|me: x')).cursor.path, []);
    assert.deepEqual(
      listServices(plain).map((s) => [s.name, plain.slice(s.block.start, s.block.end)]),
      [
        ['a', '  a:\n    image: one\n\n'],
        ['b', '  b:\n    image: two\n    command: [x]\n'],
      ],
    );
  });

  it('reads CRLF files and quoted keys', () => {
    const { cursor } = at('services:\r\n  "my svc":\r\n    environment:\r\n      - VLLM_|\r\n');
    assert.deepEqual(cursor.path, ['services', 'my svc', 'environment']);
    assert.equal(cursor.wordText, 'VLLM_');
  });

  it("parses the service's block alone, in document offsets, and the whole file when it uses anchors", () => {
    const { text, cursor } = at('x-gpu: &gpu\n  image: vllm/vllm-openai:v0.11.0\nservices:\n  web:\n    image: nginx\n  vllm:\n    <<: *gpu\n    command: [--model, m, --gpu|]\n');
    const described = describeServiceAt(text, cursor, {});
    assert.equal(described?.info.engine?.id, 'vllm', 'the merged image names the engine');
    const alone = at('services:\n  web:\n    image: nginx\n  vllm:\n    image: vllm/vllm-openai\n    command: [--model, m, --gpu|]\n');
    const parsed = describeServiceAt(alone.text, alone.cursor, {})!;
    assert.equal(parsed.info.service.name, 'vllm');
    const flag = parsed.info.flags.find((f) => f.name === '--gpu')!;
    const span = toDocument(parsed.parsed, flag.nameSpan);
    assert.equal(alone.text.slice(span.start, span.end), '--gpu');
  });

  it('finds the service at the cursor in a 5,000-service file', () => {
    const services = Array.from({ length: 5000 }, (_, i) => `  s${i}:\n    image: vllm/vllm-openai\n    command: [--model, m${i}]\n`);
    const text = `services:\n${services.join('')}`;
    const offset = text.indexOf('m4999]');
    const cursor = cursorAt(text, offset);
    assert.deepEqual(cursor.path, ['services', 's4999', 'command']);
    assert.equal(listServices(text).length, 5000);
  });
});
