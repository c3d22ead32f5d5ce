/**
 * Cutting a Compose text into its top-level entries and services by its lines (composeBlocks.ts), and moving the
 * cut after an edit: the same blocks as cutting the new text anew, or no answer (then the caller cuts anew).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocksAfterEdit, splitComposeBlocks, type ComposeBlocks } from '../../server/src/compose/composeBlocks';
import { changedRegion } from '../../server/src/core/textDiff';
import { yaml } from '../helpers';

const text = yaml`
  # a stack
  x-base: &base
    restart: always

  services:
    "llm":
      <<: *base
      image: vllm/vllm-openai:v0.11.0
      command: |
        --model Qwen/Qwen3-0.6B

    # the web front
    web:
      image: nginx:1.27
  volumes:
    cache:
`;

/** Each block as `key [text of its block]`. */
function shape(blocks: ComposeBlocks | undefined, source: string): string[] | undefined {
  if (!blocks) return undefined;
  const show = (b: { key: string; keyAt: { start: number; end: number }; start: number; end: number }) => `${b.key}@${source.slice(b.keyAt.start, b.keyAt.end)} [${source.slice(b.start, b.end)}]`;
  return [...blocks.topLevel.map(show), ...(blocks.services ? [show(blocks.services), ...blocks.services.entries.map(show)] : [])];
}

describe('Compose blocks', () => {
  it('cuts the top-level entries and the services from key line to key line', () => {
    const blocks = splitComposeBlocks(text)!;
    assert.deepEqual(blocks.topLevel.map((b) => b.key), ['x-base', 'volumes']);
    assert.deepEqual(blocks.services!.entries.map((b) => b.key), ['llm', 'web']);
    const [llm, web] = blocks.services!.entries;
    assert.equal(text.slice(llm!.keyAt.start, llm!.keyAt.end), '"llm"');
    assert.equal(text.slice(llm!.start, llm!.end), '  "llm":\n    <<: *base\n    image: vllm/vllm-openai:v0.11.0\n    command: |\n      --model Qwen/Qwen3-0.6B\n\n  # the web front\n');
    assert.equal(text.slice(web!.start, web!.end), '  web:\n    image: nginx:1.27\n');
  });

  it('gives up on what lines alone cannot tell', () => {
    for (const odd of [
      'services: {web: {image: nginx}}\n',
      'services:\n  web:\n    image: nginx\n---\nservices: {}\n',
      'services:\n    web:\n      image: nginx\n  api:\n    image: nginx\n',
      'services:\n  - web\n',
      '? complex\n: key\n',
      'services:\n  web:\n\timage: nginx\n',
    ]) {
      assert.equal(splitComposeBlocks(odd), undefined, odd);
    }
  });

  const edits: Array<[string, string, boolean]> = [
    ['a value inside a service', text.replace('nginx:1.27', 'nginx:1.28-alpine'), true],
    ['a line added to a service', text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\n    ports: ["80:80"]\n'), true],
    ['a line added to a top-level entry', text.replace('    restart: always\n', '    restart: always\n    init: true\n'), true],
    ['a service renamed', text.replace('  web:', '  website:'), false],
    ['a service added inside another', text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\n  api:\n    image: redis\n'), false],
    ['a top-level key typed inside a service', text.replace('    image: nginx:1.27\n', '    image: nginx:1.27\nnetworks:\n'), false],
    ['a line dedented', text.replace('    image: nginx:1.27\n', ' image: nginx:1.27\n'), false],
    ['the line break before the next key removed', text.replace('nginx:1.27\nvolumes', 'nginx:1.27 volumes'), false],
    ['a service added at the end of the last one', text.replace('nginx:1.27\n', 'nginx:1.27\n  api:\n    image: redis\n'), false],
    ['a line of the last service removed', text.replace('    image: nginx:1.27\n', ''), true],
  ];
  for (const [what, next, moves] of edits) {
    it(`after an edit: ${what}`, () => {
      const { start, oldEnd, delta } = changedRegion(text, next);
      const moved = blocksAfterEdit(splitComposeBlocks(text)!, next, start, oldEnd, delta);
      if (moves) assert.deepEqual(shape(moved, next), shape(splitComposeBlocks(next), next));
      else assert.equal(moved, undefined);
    });
  }
});

describe('Compose blocks after any small edit', () => {
  it('moves the cut exactly as cutting anew would, or gives no answer', () => {
    const pieces = ['\n', ' ', '  ', 'x', ':', '#', '- ', '"', '\n  a:\n', '\nb:\n', '    k: v\n'];
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), (seed >>> 8) % n);
    const old = splitComposeBlocks(text)!;
    let answered = 0;
    for (let i = 0; i < 2000; i++) {
      const at = random(text.length + 1);
      const removed = random(3) === 0 ? random(4) : 0;
      const next = text.slice(0, at) + (random(4) === 0 ? '' : pieces[random(pieces.length)]!) + text.slice(Math.min(text.length, at + removed));
      if (next === text) continue;
      const { start, oldEnd, delta } = changedRegion(text, next);
      const moved = blocksAfterEdit(old, next, start, oldEnd, delta);
      if (!moved) continue;
      answered++;
      assert.deepEqual(shape(moved, next), shape(splitComposeBlocks(next), next), JSON.stringify(next));
    }
    assert.ok(answered > 500, `${answered} edits moved`);
  });
});
