// Writes what is derived from the rule registry: the settings in package.json (contributes.configuration)
// and the rule table in README.md (between the rule-table markers). Run after adding or changing a rule:
// `node scripts/gen-manifest.mjs`. test/unit/manifest.test.ts fails when they drift.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

async function load(entry) {
  const out = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', write: false });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
  return mod.exports;
}
const rules = (await load('server/src/rules/registry.ts')).RULES.map((r) => r.meta);
// The default probe is probe.ts's, so the setting's default and the code's can never differ.
const { DEFAULT_PROBE_CASES } = await load('client/src/stack/probe/probe.ts');
const probeMessage = {
  type: 'object',
  required: ['role', 'content'],
  properties: { role: { type: 'string', enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } },
  additionalProperties: false,
};
const probeCase = {
  type: 'object',
  required: ['messages', 'expect'],
  properties: {
    name: { type: 'string', description: 'Shown in results (default "case <n>").' },
    messages: { type: 'array', minItems: 1, items: probeMessage, description: 'The chat messages sent to /v1/chat/completions (temperature 0).' },
    expect: {
      description: 'What the answer must contain: a case-sensitive substring, or {"regex": "...", "flags": "i"} (flags i, m, s).',
      oneOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          required: ['regex'],
          properties: { regex: { type: 'string', minLength: 1 }, flags: { type: 'string', pattern: '^[ims]*$' } },
          additionalProperties: false,
        },
      ],
    },
  },
  additionalProperties: false,
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const level = { type: 'string', enum: ['off', 'error', 'warning', 'info', 'hint'] };
pkg.contributes.configuration = {
  title: 'Inference Stack',
  properties: {
    'inferenceStack.enable': { type: 'boolean', default: true, description: 'Show Inference Stack diagnostics in Compose files and Dockerfiles.' },
    'inferenceStack.inlayHints.enabled': {
      type: 'boolean',
      default: true,
      description: 'Show inlay hints in Compose files: the estimated cold start beside a model id, and how long Docker waits before it calls a service unhealthy beside start_period.',
    },
    'inferenceStack.modelFacts.fromHub': {
      type: 'boolean',
      default: false,
      scope: 'machine',
      markdownDescription: 'Fetch the `config.json` of a model the vendored table lacks from the Hugging Face Hub (`HF_ENDPOINT`, else huggingface.co), for the memory estimate (`model-does-not-fit`, `kv-cache-below-max-model-len`, hovers). Off by default: nothing leaves this machine unless you turn it on. Public models only: no token is sent. A machine setting, so a workspace cannot turn it on.',
    },
    'inferenceStack.coldStartSeconds': {
      type: ['number', 'null'],
      default: null,
      minimum: 1,
      description: 'Expected model cold start in seconds, for the healthcheck rules. Empty: estimated from the model, its engine and its weight format (docs/rules/healthcheck-start-period-short.md). A cold start measured by "Start inference stack" wins over both.',
    },
    'inferenceStack.gpu': {
      type: ['string', 'number', 'null'],
      default: null,
      markdownDescription: 'The GPU the stack runs on, for the memory rules (`model-does-not-fit`, `kv-cache-below-max-model-len`): a name from the table in `server/src/engines/facts/gpus.json` (e.g. `H100 80GB HBM3`, `L4`), or its memory in GiB (`80`). Empty: this machine\'s GPUs, as `nvidia-smi` last listed them in the GPUs view, which also tell `gpu-device-missing` how many GPUs there are; with neither, those rules stay silent (no guessing).',
    },
    'inferenceStack.rules': {
      type: 'object',
      default: {},
      description: 'Severity per rule, or "off". Rules not listed keep their default severity.',
      properties: Object.fromEntries(rules.map((r) => [r.id, { ...level, description: `${r.title} (default: ${r.defaultSeverity})` }])),
      additionalProperties: false,
    },
    'inferenceStack.composeCommand': {
      type: 'string',
      default: '',
      // It names a program to run: only the person's own settings may set it, never a repository's .vscode/settings.json.
      scope: 'machine',
      markdownDescription: 'The Compose command for "Start/Stop Inference Stack": `docker compose`, `docker-compose`, or the absolute path of a compose binary. Empty: `docker compose` (v2), else `docker-compose`. User settings only: a workspace cannot set it.',
    },
    'inferenceStack.probe.cases': {
      type: 'array',
      default: DEFAULT_PROBE_CASES,
      items: probeCase,
      markdownDescription: 'The accuracy probe: questions with a known answer, asked of each model service by "Run Accuracy Probe" and written into the healthcheck script. Each `{ "messages": [...], "expect": "substring" | { "regex": "...", "flags": "i" } }`. A pattern that takes over 100 ms on an answer fails the case. In an untrusted workspace only your user settings count.',
    },
    'inferenceStack.metrics.refreshSeconds': {
      type: 'number',
      default: 5,
      minimum: 1,
      description: 'How often the Probe & metrics view reads /metrics, while it is visible.',
    },
    'inferenceStack.gpus.refreshSeconds': {
      type: 'number',
      default: 5,
      minimum: 1,
      description: 'How often the GPUs view runs nvidia-smi, while it is visible.',
    },
    'inferenceStack.startTimeoutSeconds': {
      type: 'number',
      default: 900,
      minimum: 10,
      description: 'How long "Start Inference Stack" waits for the services to become healthy before it stops waiting (the containers keep starting).',
    },
  },
};
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');

const table = [
  '| Rule | Default | Fix | What it finds |',
  '|---|---|---|---|',
  ...rules.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.defaultSeverity} | ${r.fixable ? 'yes' : '–'} | ${r.title} (${r.appliesTo.map((k) => (k === 'compose' ? 'Compose' : k === 'dotenv' ? '.env' : 'Dockerfile')).join(', ')}) |`),
].join('\n');
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- rule-table:start -->';
const end = '<!-- rule-table:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a >= 0 && b > a) writeFileSync('README.md', readme.slice(0, a + start.length) + '\n' + table + '\n' + readme.slice(b));
console.log(`${rules.length} rules written to package.json and README.md`);
