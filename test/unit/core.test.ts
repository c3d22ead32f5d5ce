import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readArgs } from '../../server/src/compose/command';
import { readFlags, splitWords } from '../../server/src/core/commandWords';
import { parseCompose } from '../../server/src/compose/composeFile';
import { interpolate, interpolateBestEffort, literalPart, variableRefs } from '../../server/src/compose/interpolation';
import { parseDotEnv } from '../../server/src/compose/dotenv';
import { applyEdits, applyFixes } from '../../server/src/core/applyEdits';
import { minimalEdit } from '../../server/src/core/textDiff';
import { formatDuration, parseGoDuration } from '../../server/src/core/duration';
import { COMPOSE_FILE_GLOBS, COMPOSE_INPUTS_WATCH_GLOB, COMPOSE_NAME_GLOBS, DOCKERFILE_GLOB, DOCKERFILE_NAME_GLOBS, isComposeFileName, isDockerfileName } from '../../server/src/core/fileKind';
import { LineIndex } from '../../server/src/core/lineIndex';
import { DOCUMENT_SELECTOR } from '../../client/src/documentSelector';
import { lint, yaml } from '../helpers';

describe('LineIndex', () => {
  it('maps offsets to positions across \\n, \\r\\n and \\r, in UTF-16 columns', () => {
    const text = 'a\r\nbé😀c\rd\n';
    const lines = new LineIndex(text);
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(text.indexOf('c')), { line: 1, character: 4 });
    assert.deepEqual(lines.positionAt(text.indexOf('d')), { line: 2, character: 0 });
    assert.equal(lines.offsetAt({ line: 1, character: 99 }), text.indexOf('\r', 3));
    assert.equal(lines.eol(), '\r\n');
  });
});

describe('durations', () => {
  it('parses Compose and Go durations and rejects bare numbers', () => {
    assert.equal(parseGoDuration('1m30s'), 90);
    assert.equal(parseGoDuration('1h5m30s20ms'), 3930.02);
    assert.equal(parseGoDuration('500ms'), 0.5);
    assert.equal(parseGoDuration('1.5s'), 1.5);
    assert.equal(parseGoDuration('30'), undefined);
    assert.equal(parseGoDuration('10 s'), undefined);
    assert.equal(parseGoDuration(''), undefined);
    assert.equal(formatDuration(150), '2m30s');
    assert.equal(formatDuration(3600), '1h');
  });
});

describe('interpolation', () => {
  const env = new Map([['A', 'x'], ['EMPTY', '']]);
  it('resolves every operator and nesting, and leaves unresolvable values undefined', () => {
    assert.equal(interpolate('${A}-$A', env), 'x-x');
    assert.equal(interpolate('${B:-d}', env), 'd');
    assert.equal(interpolate('${EMPTY:-d}', env), 'd');
    assert.equal(interpolate('${EMPTY-d}', env), '');
    assert.equal(interpolate('${A:+alt}', env), 'alt');
    assert.equal(interpolate('${B:-${A:-z}}', env), 'x');
    assert.equal(interpolate('$$A', env), '$A');
    assert.equal(interpolate('${B}', env), undefined);
  });
  it('best effort (engine detection): an unset variable is empty, a default after it is kept, a refused value keeps its literal part', () => {
    // What the rules read for `image: ${REGISTRY}/vllm/vllm-openai:${TAG:-v0.11.0}` with neither set.
    assert.equal(interpolateBestEffort('${REGISTRY}/vllm/vllm-openai:${TAG:-v0.11.0}', new Map()), '/vllm/vllm-openai:v0.11.0');
    assert.equal(interpolateBestEffort('${UNSET}-${B:-pre${C}post}', new Map()), '-prepost', 'a nested unset variable keeps the text around it');
    assert.equal(interpolateBestEffort('vllm/vllm-openai:${TAG:?set TAG}', new Map()), 'vllm/vllm-openai:', 'a required variable unset: the literal part');
    assert.equal(interpolateBestEffort('vllm/vllm-openai:${', new Map()), 'vllm/vllm-openai:${', 'an invalid template (compose-interpolation-invalid reports it): the text as written');
  });

  it('separates references from literal text', () => {
    assert.deepEqual(variableRefs('a ${HF_TOKEN} $B').map((r) => r.name), ['HF_TOKEN', 'B']);
    assert.equal(literalPart('hf_${X}abc$$'), 'hf_abc$');
  });
  it('reads .env files with quotes, export and comments', () => {
    const env = parseDotEnv('# c\nexport A=1\nB="two words"\nC=\'lit $X\'\nD=3 # note\n');
    assert.deepEqual([...env], [['A', '1'], ['B', 'two words'], ['C', 'lit $X'], ['D', '3']]);
  });
});

describe('command arguments', () => {
  it('splits like go-shellwords', () => {
    assert.deepEqual(splitWords(`--a "b c" 'd e' f\\ g`).map((w) => w.text), ['--a', 'b c', 'd e', 'f g']);
  });
  it('gives exact spans for plain, folded and list commands', () => {
    const text = yaml`
      services:
        a:
          command: --model org/m --tensor-parallel-size=2
        b:
          command: >
            --model org/m
            --max_model_len 4096
        c:
          command: ["--model", "org/m", "-tp", "4"]
    `;
    const file = parseCompose(text);
    const spans = file.services.map((s) => {
      const args = readArgs(s.map.value('command'))!;
      return readFlags(args.tokens).map((f) => `${text.slice(f.nameSpan.start, f.nameSpan.end)}=${f.valueSpan ? text.slice(f.valueSpan.start, f.valueSpan.end) : ''}`);
    });
    assert.deepEqual(spans, [
      ['--model=org/m', '--tensor-parallel-size=2'],
      ['--model=org/m', '--max_model_len=4096'],
      // List items span their whole scalar, quotes included, so a fix can replace the item as a unit.
      ['"--model"="org/m"', '"-tp"="4"'],
    ]);
  });
});

describe('anchors and merge keys', () => {
  it('resolves merged keys per service and reports them at the merge', () => {
    const text = yaml`
      x-base: &base
        image: vllm/vllm-openai:v0.11.0
        environment:
          A: "1"
      services:
        one:
          <<: *base
        two:
          <<: *base
          image: other:1
    `;
    const file = parseCompose(text);
    const [one, two] = file.services;
    assert.equal(one!.map.text('image'), 'vllm/vllm-openai:v0.11.0');
    assert.equal(text.slice(one!.map.get('image')!.keyAt.start, one!.map.get('image')!.keyAt.end), '*base');
    assert.equal(one!.map.get('image')!.pair, undefined, 'inherited entries are not editable');
    assert.equal(two!.map.text('image'), 'other:1', 'own keys win over merged ones');
  });
});

describe('file names', () => {
  it('recognises Compose and Dockerfile names', () => {
    for (const n of ['compose.yaml', 'compose.prod.yml', 'docker-compose.yml', 'docker-compose.gpu.yaml', 'x/app.compose.yaml']) assert.ok(isComposeFileName(n), n);
    for (const n of ['values.yaml', 'compose.json', 'my-compose.yml']) assert.ok(!isComposeFileName(n), n);
    for (const n of ['Dockerfile', 'Dockerfile.gpu', 'api.Dockerfile', 'Containerfile']) assert.ok(isDockerfileName(n), n);
    assert.ok(!isDockerfileName('Dockerfile-notes.md'));
  });

  it('gives the editor the same names as globs (document selector, file search, watcher, CLI help)', () => {
    // The globs use only `*` and `{a,b}`: enough to turn them into regexes here.
    const toRegex = (glob: string) => new RegExp(`^${glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\{([^}]*)\}/g, (_, alts: string) => `(?:${alts.split(',').join('|')})`)}$`);
    const matchesAny = (globs: readonly string[], name: string) => globs.some((g) => toRegex(g).test(name));
    const names = ['compose.yaml', 'compose.prod.yml', 'docker-compose.yml', 'docker-compose.gpu.yaml', 'app.compose.yaml', 'values.yaml', 'compose.json',
      'Dockerfile', 'Dockerfile.gpu', 'api.Dockerfile', 'api.dockerfile', 'Containerfile', 'Containerfile.gpu', 'api.Containerfile', 'Dockerfile-notes.md', 'notes.txt'];
    for (const n of names) {
      assert.equal(matchesAny(COMPOSE_NAME_GLOBS, n), isComposeFileName(n), n);
      assert.equal(matchesAny(DOCKERFILE_NAME_GLOBS, n), isDockerfileName(n), n);
      if (isDockerfileName(n)) assert.ok(toRegex(COMPOSE_INPUTS_WATCH_GLOB.replace('**/', '')).test(n), `the watcher sees ${n}`);
    }
    assert.deepEqual(COMPOSE_FILE_GLOBS, COMPOSE_NAME_GLOBS.map((g) => `**/${g}`));
    assert.equal(DOCKERFILE_GLOB, `**/{${DOCKERFILE_NAME_GLOBS.join(',')}}`);
  });

  it('the editor sends the server the .env and .gitignore it has open, unsaved changes included: the secret fix edits them as they are there', () => {
    const synced = (path: string) => DOCUMENT_SELECTOR.some((f) => f.language === undefined && f.pattern !== undefined && new RegExp(`(^|/)${f.pattern.replace('**/', '').replace(/\./g, '\\.')}$`).test(path));
    for (const path of ['/w/.env', '/w/app/.env', '/w/.gitignore', '/w/app/.gitignore']) assert.ok(synced(path), path);
    assert.ok(!synced('/w/notes.txt'));
  });
});

describe('suppression comments', () => {
  const text = yaml`
    services:
      vllm:
        image: vllm/vllm-openai:v0.11.0
        deploy:
          resources:
            reservations:
              devices:
                # inference-stack-ignore gpu-capabilities-missing
                - driver: nvidia
                  count: 1
  `;
  it('silences the rule on the next line only', () => {
    assert.equal(lint(text).filter((f) => f.rule === 'gpu-capabilities-missing').length, 0);
    assert.equal(lint(text.replace('gpu-capabilities-missing', 'other-rule')).filter((f) => f.rule === 'gpu-capabilities-missing').length, 1);
  });
  it('honours per-rule severity settings and off', () => {
    const noComment = text.replace(/.*inference-stack-ignore.*\n/, '');
    assert.equal(lint(noComment, 'compose', { rules: { 'gpu-capabilities-missing': 'hint' } }).find((f) => f.rule === 'gpu-capabilities-missing')!.severity, 'hint');
    assert.equal(lint(noComment, 'compose', { rules: { 'gpu-capabilities-missing': 'off' } }).filter((f) => f.rule === 'gpu-capabilities-missing').length, 0);
  });
});

describe('applyFixes', () => {
  it('defers a fix that overlaps one already taken', () => {
    const r = (a: number, b: number) => ({ start: { line: 0, character: a }, end: { line: 0, character: b } });
    const result = applyFixes('abcdef', [
      { title: '1', preferred: true, edits: [{ range: r(0, 2), newText: 'X' }] },
      { title: '2', preferred: true, edits: [{ range: r(1, 3), newText: 'Y' }] },
      { title: '3', preferred: true, edits: [{ range: r(4, 5), newText: 'Z' }] },
    ]);
    assert.deepEqual(result, { text: 'XcdZf', applied: 2, deferred: 1, appliedIndexes: [0, 2] });
  });
});

describe('syntax errors', () => {
  it('become yaml-syntax findings with positions while rules still run', () => {
    const text = 'services:\n  a:\n    image: [unclosed\n';
    const f = lint(text).filter((x) => x.rule === 'yaml-syntax');
    assert.ok(f.length > 0);
    assert.ok(f.every((x) => x.severity === 'error' && x.range.start.line <= 3));
  });

  it('say what a half-typed line means in plain words (the YAML library\'s own are in test/unit/yamlErrors.test.ts)', () => {
    const messages = (text: string) => lint(text).filter((x) => x.rule === 'yaml-syntax').map((x) => x.message);
    // A key typed without its colon yet, at the end of a service.
    assert.deepEqual(messages('services:\n  vllm:\n    image: vllm/vllm-openai:v0.11.0\n    command\n'), [
      'This line has no ":" after its key: write "key: value", put "- " before a list item, or indent the line under the key it belongs to',
    ]);
    assert.deepEqual(messages('services:\n\tvllm:\n      image: a\n'), ['A tab indents this line: YAML indents with spaces only']);
    assert.match(messages('services:\n  vllm:\n    image: a: b\n')[0]!, /^Two keys on one line \("a: b: c"\)/);
    assert.deepEqual(messages('services:\n  vllm:\n    image: "abc\n'), ['A value opened with " is never closed: add the closing "']);
  });
});

describe('minimalEdit', () => {
  it('replaces only the changed middle and never splits a \\r\\n', () => {
    for (const [a, b] of [
      ['a: 1\nb: 2\n', 'a: 1\nx: 9\nb: 2\n'],
      ['a: 1\r\nb: 2\r\n', 'a: 1\r\nb: 2\r\nc: 3\r\n'],
      ['a\r\nb', 'a\rb'],
      ['same', 'same'],
    ] as const) {
      const edit = minimalEdit(a, b);
      assert.equal(edit ? applyEdits(a, [edit]) : a, b);
    }
    assert.deepEqual(minimalEdit('k: 1\nv: 2\n', 'k: 1\nv: 3\n')!.range, { start: { line: 1, character: 3 }, end: { line: 1, character: 4 } });
  });
});

describe('fixes on broken YAML', () => {
  it('are withheld while the file has a syntax error, and come back once it parses', () => {
    const good = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
    `;
    const broken = good + '\n  proxy:\n    image: [nginx\n';
    const finding = (text: string) => lint(text).find((f) => f.rule === 'gpu-capabilities-missing')!;
    assert.ok(finding(good).fixes.length > 0);
    assert.ok(lint(broken).some((f) => f.rule === 'yaml-syntax'));
    assert.deepEqual(finding(broken).fixes, []);
  });
});
