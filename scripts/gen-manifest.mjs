// Writes what is derived from the rule registry: the settings in package.json (contributes.configuration)
// and the rule table in README.md (between the rule-table markers). Run after adding or changing a rule:
// `node scripts/gen-manifest.mjs`. test/unit/manifest.test.ts fails when they drift.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = await build({ entryPoints: ['server/src/rules/registry.ts'], bundle: true, platform: 'node', format: 'cjs', write: false });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const rules = mod.exports.RULES.map((r) => r.meta);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const level = { type: 'string', enum: ['off', 'error', 'warning', 'info', 'hint'] };
pkg.contributes.configuration = {
  title: 'Inference Stack',
  properties: {
    'inferenceStack.enable': { type: 'boolean', default: true, description: 'Show Inference Stack diagnostics in Compose files and Dockerfiles.' },
    'inferenceStack.coldStartSeconds': {
      type: ['number', 'null'],
      default: null,
      minimum: 1,
      description: 'Expected model cold start in seconds, for the healthcheck rules. Empty: estimated from the model size in its name (60 s + 2 s per billion parameters). A cold start measured by "Start inference stack" wins over both.',
    },
    'inferenceStack.rules': {
      type: 'object',
      default: {},
      description: 'Severity per rule, or "off". Rules not listed keep their default severity.',
      properties: Object.fromEntries(rules.map((r) => [r.id, { ...level, description: `${r.title} (default: ${r.defaultSeverity})` }])),
      additionalProperties: false,
    },
  },
};
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');

const table = [
  '| Rule | Default | Fix | What it finds |',
  '|---|---|---|---|',
  ...rules.map((r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.defaultSeverity} | ${r.fixable ? 'yes' : '–'} | ${r.title} (${r.appliesTo.map((k) => (k === 'compose' ? 'Compose' : 'Dockerfile')).join(', ')}) |`),
].join('\n');
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- rule-table:start -->';
const end = '<!-- rule-table:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a >= 0 && b > a) writeFileSync('README.md', readme.slice(0, a + start.length) + '\n' + table + '\n' + readme.slice(b));
console.log(`${rules.length} rules written to package.json and README.md`);
