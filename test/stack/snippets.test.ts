import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { analyze } from '../../server/src/analysis/analyze';
import type { FileKind } from '../../server/src/core/types';
import { dockerfileHealthcheck } from '../../server/src/scaffold/probeScript';
import { SCAFFOLD_ENGINES, type ScaffoldEngineId } from '../../server/src/scaffold/scaffoldEngines';
import { prometheusYml } from '../../server/src/scaffold/stackConfigs';

// Compiled to out*/test/stack/: the repository root is three folders up.
const ROOT = join(__dirname, '..', '..', '..');

interface Snippet {
  prefix: string | string[];
  description: string;
  body: string | string[];
}

function load(file: string): Record<string, Snippet> {
  return JSON.parse(readFileSync(join(ROOT, 'snippets', file), 'utf8')) as Record<string, Snippet>;
}

const FILES = ['compose.code-snippets', 'dockerfile.code-snippets', 'prometheus.code-snippets'] as const;

/**
 * A snippet body with every tab stop at its default, as VS Code inserts it when the user only presses Tab:
 * `${1:text}` → text (nested stops expanded), `${1|a,b|}` → a, `$1` / `${1}` → what stop 1 holds, `$0` → ''.
 * Escapes `\$`, `\}` and `\\` are literal. Variables (`$TM_FILENAME`, `${NAME}`) are refused: ours use none.
 */
function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  // Pass 1 records the defaults; pass 2 also fills mirrors that come before their placeholder.
  parseBody(body, defaults);
  return parseBody(body, defaults);
}

function parseBody(text: string, defaults: Map<string, string>): string {
  let i = 0;
  const parseUntil = (close: boolean): string => {
    let out = '';
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length && '$}\\'.includes(text[i + 1]!)) {
        out += text[i + 1];
        i += 2;
      } else if (close && c === '}') {
        i++;
        return out;
      } else if (c === '$') {
        out += parseDollar();
      } else {
        out += c;
        i++;
      }
    }
    assert.ok(!close, `unclosed \${ in snippet: ${text}`);
    return out;
  };
  const parseDollar = (): string => {
    const rest = text.slice(i);
    const bare = /^\$(\d+)/.exec(rest);
    if (bare) {
      i += bare[0].length;
      return defaults.get(bare[1]!) ?? '';
    }
    assert.doesNotMatch(rest, /^\$\{?[A-Za-z_]/, `snippet variable at "${rest.slice(0, 20)}": escape a literal $ as \\$`);
    const braced = /^\$\{(\d+)([:|}])/.exec(rest);
    if (!braced) {
      i++;
      return '$';
    }
    const stop = braced[1]!;
    i += braced[0].length;
    if (braced[2] === '}') return defaults.get(stop) ?? '';
    let value: string;
    if (braced[2] === ':') {
      value = parseUntil(true);
    } else {
      const end = text.indexOf('|}', i);
      assert.ok(end >= 0, 'unclosed choice');
      value = text.slice(i, end).split(/(?<!\\),/)[0]!.replace(/\\([,|\\])/g, '$1');
      i = end + 2;
    }
    if (!defaults.has(stop)) defaults.set(stop, value);
    return value;
  };
  return parseUntil(false);
}

const bodyText = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
/** VS Code turns each leading tab into the editor's indent unit and prefixes the cursor line's indentation. */
function insertAt(s: Snippet, indent: string): string {
  return expandSnippet(bodyText(s))
    .replace(/\t/g, '  ')
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

function findings(text: string, kind: FileKind): string[] {
  return analyze(text, kind, {}).map((f) => `${f.rule} (${f.severity}) line ${f.range.start.line + 1}: ${f.message}`);
}

function rulesFired(text: string): string[] {
  return [...new Set(analyze(text, 'compose', {}).map((f) => f.rule))].sort();
}

const compose = load('compose.code-snippets');
const dockerfile = load('dockerfile.code-snippets');
const prometheus = load('prometheus.code-snippets');

describe('snippet files', () => {
  it('are JSON with a prefix, a description and a body for each snippet; prefixes are unique', () => {
    const seen = new Set<string>();
    for (const file of FILES) {
      const snippets = load(file);
      assert.ok(Object.keys(snippets).length > 0, file);
      for (const [name, s] of Object.entries(snippets)) {
        assert.ok(s.description.length > 20, `${file} ${name}: description`);
        assert.ok(Array.isArray(s.body) && s.body.length > 0, `${file} ${name}: body`);
        // One prefix each: VS Code lists a snippet once per prefix, so two prefixes showed every snippet twice.
        assert.equal(typeof s.prefix, 'string', `${file} ${name}: one prefix`);
        const p = s.prefix as string;
        assert.ok(!seen.has(p), `prefix ${p} used twice`);
        seen.add(p);
        // Each expands (no variables, every ${ closed) and ends with the final cursor stop.
        expandSnippet(bodyText(s));
        assert.match(bodyText(s), /\$0$/, `${name}: ends with $0`);
      }
    }
  });

  it('cover what issue 4 lists (and log rotation, issue 14)', () => {
    assert.deepEqual(Object.keys(compose).sort(), [
      'GPU reservation',
      'Log rotation',
      'Model-service healthcheck',
      'Ollama service',
      'Resource limits',
      'SGLang service',
      'TGI service',
      'llama.cpp server service',
      'nginx proxy that waits for the model',
      'vLLM service (done right)',
    ]);
    assert.deepEqual(Object.keys(dockerfile).sort(), ['HEALTHCHECK with the accuracy probe', 'Runtime-only inference image']);
    assert.deepEqual(Object.keys(prometheus), ['Prometheus scrape job for vLLM']);
  });
});

describe('expandSnippet', () => {
  it('takes defaults, first choices, mirrors and escapes', () => {
    assert.equal(expandSnippet('${1:a}-$1-${1}-${2|x,y|}-$2$0'), 'a-a-a-x-x');
    assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
    assert.equal(expandSnippet('\\${HF_TOKEN:-} \\} \\\\ $'), '${HF_TOKEN:-} } \\ $');
    assert.equal(expandSnippet('$1 ${1:late}'), 'late late');
    assert.throws(() => expandSnippet('$TM_FILENAME'), /snippet variable/);
    assert.throws(() => expandSnippet('${HF_TOKEN}'), /snippet variable/);
  });
});

const SERVICES: Record<string, ScaffoldEngineId> = {
  'vLLM service (done right)': 'vllm',
  'TGI service': 'tgi',
  'SGLang service': 'sglang',
  'Ollama service': 'ollama',
  'llama.cpp server service': 'llamacpp',
};

describe('Compose service snippets lint clean under services:', () => {
  for (const [name, engine] of Object.entries(SERVICES)) {
    it(name, () => {
      const text = `services:\n${insertAt(compose[name]!, '  ')}\n`;
      const doc = parseDocument(text);
      assert.deepEqual(doc.errors.map((e) => e.message), [], text);
      assert.deepEqual(findings(text, 'compose'), [], text);
      // Same pinned image as "New inference stack…" writes.
      const svc = (doc.toJS() as { services: Record<string, { image: string; environment?: Record<string, string> }> }).services[engine]!;
      assert.equal(svc.image, SCAFFOLD_ENGINES[engine].image(1));
      if (svc.environment) assert.equal(svc.environment['HF_TOKEN'], '${HF_TOKEN:-}');
    });
  }

  it('nginx proxy, next to the vLLM service it waits for', () => {
    const text = `services:\n${insertAt(compose['vLLM service (done right)']!, '  ')}\n${insertAt(compose['nginx proxy that waits for the model']!, '  ')}\n`;
    assert.deepEqual(findings(text, 'compose'), [], text);
    const js = parse(text) as { services: { proxy: { depends_on: unknown } } };
    assert.deepEqual(js.services.proxy.depends_on, { vllm: { condition: 'service_healthy' } });
    // The short form would not wait for the model; a reverse proxy may start first (it answers 502 until the
    // upstream listens), so the rule does not ask it to: waiting keeps the gateway closed until the model is ready.
    const short = text.replace(/depends_on:\n\s+vllm:\n\s+condition: service_healthy/, 'depends_on: [vllm]');
    assert.notEqual(short, text);
    assert.ok(!rulesFired(short).includes('depends-on-unhealthy-model'));
  });
});

describe('Compose block snippets fix their rule in a minimal vLLM service', () => {
  const minimal = [
    'services:',
    '  vllm:',
    '    image: vllm/vllm-openai:v0.21.0',
    '    command: ["meta-llama/Llama-3.1-70B-Instruct", "--gpu-memory-utilization", "0.90"]',
    '    volumes:',
    '      - ~/.cache/huggingface:/root/.cache/huggingface',
    '',
  ].join('\n');
  const before = rulesFired(minimal);

  it('the minimal service has the four problems', () => {
    assert.deepEqual(before, ['gpu-reservation-missing', 'healthcheck-missing', 'log-rotation-missing', 'resource-limits-missing']);
  });

  const cases: Array<[string, string]> = [
    ['GPU reservation', 'gpu-reservation-missing'],
    ['Model-service healthcheck', 'healthcheck-missing'],
    ['Resource limits', 'resource-limits-missing'],
    ['Log rotation', 'log-rotation-missing'],
  ];
  for (const [name, rule] of cases) {
    it(`${name} makes ${rule} go away, and nothing else changes`, () => {
      const text = `${minimal}${insertAt(compose[name]!, '    ')}\n`;
      assert.deepEqual(parseDocument(text).errors.map((e) => e.message), [], text);
      assert.deepEqual(rulesFired(text), before.filter((r) => r !== rule), text);
    });
  }

  it('the healthcheck gives a 70B model enough grace (no healthcheck-start-period-short)', () => {
    const text = `${minimal}${insertAt(compose['Model-service healthcheck']!, '    ')}\n`;
    assert.ok(!rulesFired(text).includes('healthcheck-start-period-short'));
  });
});

describe('Prometheus scrape job snippet', () => {
  it('is a scrape_configs item for vLLM /metrics, the same job "New inference stack…" writes', () => {
    const text = `scrape_configs:\n${insertAt(prometheus['Prometheus scrape job for vLLM']!, '  ')}\n`;
    const job = (parse(text) as { scrape_configs: Array<Record<string, unknown>> }).scrape_configs[0]!;
    const generated = (parse(prometheusYml('vllm', 8000)) as { scrape_configs: Array<Record<string, unknown>> }).scrape_configs[0]!;
    assert.deepEqual({ ...job, scrape_interval: undefined }, { ...generated, scrape_interval: undefined });
    assert.deepEqual(job['static_configs'], [{ targets: ['vllm:8000'] }]);
  });
});

describe('Dockerfile snippets lint clean', () => {
  it('runtime-only inference image: builds on -devel, ships on -runtime, no findings', () => {
    const text = `${insertAt(dockerfile['Runtime-only inference image']!, '')}\n`;
    assert.deepEqual(findings(text, 'dockerfile'), [], text);
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(froms, ['nvidia/cuda:12.8.1-devel-ubuntu24.04', 'nvidia/cuda:12.8.1-runtime-ubuntu24.04']);
    assert.match(text, /^ENV PATH=\/opt\/venv\/bin:\$PATH$/m);
    // The final stage on -devel is what the snippet avoids.
    const devel = text.replace('12.8.1-runtime-ubuntu24.04', '12.8.1-devel-ubuntu24.04');
    assert.ok(analyze(devel, 'dockerfile', {}).some((f) => f.rule === 'dockerfile-cuda-base-for-inference'));
  });

  it('HEALTHCHECK with the accuracy probe: the lines probeScript.ts writes, and it fixes a short start period', () => {
    const snippet = insertAt(dockerfile['HEALTHCHECK with the accuracy probe']!, '').replace(/\n$/, '');
    assert.equal(snippet, dockerfileHealthcheck({ startPeriod: '10m' }));
    const base = 'FROM vllm/vllm-openai:v0.21.0\nCMD ["meta-llama/Llama-3.1-70B-Instruct"]\n';
    const short = `${base}HEALTHCHECK --start-period=10s CMD curl -fsS http://localhost:8000/health || exit 1\n`;
    assert.ok(analyze(short, 'dockerfile', {}).some((f) => f.rule === 'dockerfile-healthcheck-start-period'));
    const text = `${base}${snippet}\n`;
    assert.deepEqual(findings(text, 'dockerfile'), [], text);
  });
});
