import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { yaml } from '../helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const RULE = 'gpu-capabilities-missing';

const compose = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      deploy:
        resources:
          reservations:
            devices:
              # keep this comment
              - driver: nvidia
                count: 1
`;

/** From the temporary folder by default: the stacks are made under it, and the CLI reads only inside its project. */
function run(args: string[], cwd = tmpdir()) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'is-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('inference-stack lint (dist/cli.js)', () => {
  it('prints file:line:col findings and exits 1 on an error', () => {
    const dir = workspace({ 'compose.yaml': compose });
    const r = run(['lint', join(dir, 'compose.yaml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`compose\\.yaml:9:15: error ${RULE}: `));
  });

  it('writes the documented JSON: 0-based ranges and fixes with edits', () => {
    const dir = workspace({ 'compose.yaml': compose });
    const r = run(['lint', '--format', 'json', dir]);
    const rows = JSON.parse(r.stdout) as Array<{ file: string; rule: string; severity: string; range: { start: { line: number; character: number } }; fixes: Array<{ title: string; preferred: boolean; edits: unknown[] }> }>;
    const row = rows.find((x) => x.rule === RULE)!;
    assert.equal(row.file, join(dir, 'compose.yaml'));
    assert.equal(row.severity, 'error');
    assert.deepEqual(row.range.start, { line: 8, character: 14 });
    assert.equal(row.fixes.filter((f) => f.preferred).length, 1);
    assert.ok(row.fixes[0]!.edits.length > 0);
  });

  it('writes SARIF 2.1.0 with 1-based regions and rule metadata', () => {
    const dir = workspace({ 'compose.yaml': compose });
    const sarif = JSON.parse(run(['lint', '--format=sarif', dir]).stdout);
    assert.equal(sarif.version, '2.1.0');
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === RULE);
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 9, startColumn: 15, endLine: 9, endColumn: 21 });
    assert.ok(sarif.runs[0].tool.driver.rules.some((x: { id: string; helpUri: string }) => x.id === RULE && x.helpUri.endsWith(`${RULE}.md`)));
  });

  it('--fix applies preferred fixes in place and keeps comments', () => {
    const dir = workspace({ 'compose.yaml': compose });
    const file = join(dir, 'compose.yaml');
    run(['lint', '--fix', file]);
    const fixed = readFileSync(file, 'utf8');
    assert.equal(parseDocument(fixed).errors.length, 0);
    assert.ok(fixed.includes('# keep this comment'));
    assert.ok(fixed.includes('capabilities: [gpu]'));
    const again = JSON.parse(run(['lint', '--format', 'json', file]).stdout) as Array<{ rule: string }>;
    assert.equal(again.filter((x) => x.rule === RULE).length, 0);
  });

  it('--fail-level decides the exit status', () => {
    const dir = workspace({ 'compose.yaml': compose });
    const only = ['--rule', `${RULE}=warning`];
    const allOff = ['gpu-reservation-missing', 'healthcheck-missing', 'healthcheck-start-period-short', 'resource-limits-missing', 'model-cache-not-mounted', 'gpu-memory-utilization-high', 'image-unpinned'].flatMap((id) => ['--rule', `${id}=off`]);
    assert.equal(run(['lint', ...only, ...allOff, dir]).code, 0);
    assert.equal(run(['lint', ...only, ...allOff, '--fail-level', 'warning', dir]).code, 1);
  });

  it('walks folders by file name and sniffs files named on the line', () => {
    const dir = workspace({
      'a/docker-compose.yml': compose,
      'b/notes.yaml': 'title: not compose\n',
      'c/stack.yml': compose,
      'node_modules/x/compose.yaml': compose,
    });
    const walked = JSON.parse(run(['lint', '--format', 'json', dir]).stdout) as Array<{ file: string }>;
    assert.deepEqual([...new Set(walked.map((x) => x.file))], [join(dir, 'a/docker-compose.yml')]);
    const named = run(['lint', '--format', 'json', join(dir, 'c/stack.yml'), join(dir, 'b/notes.yaml')]);
    assert.ok((JSON.parse(named.stdout) as Array<{ file: string }>).some((x) => x.file.endsWith('stack.yml')));
    // A named file that is not linted fails the run: CI must not pass it.
    assert.equal(named.code, 2);
    assert.match(named.stderr, /notes\.yaml: not linted: not a Compose file \(no top-level "services"\)/);
  });

  it('exits 2 with a clear message on usage and I/O errors', () => {
    const missing = run(['lint', '/no/such/path']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: \/no\/such\/path/);
    const bad = run(['lint', '--format', 'xml', '.']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text, json or sarif/);
    assert.equal(run(['lint']).code, 2);
  });

  it('reads the .env beside the Compose file, as compose interpolates from it', () => {
    const gmu = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          command: ["Qwen/Qwen3-0.6B", "--gpu-memory-utilization", "\${GMU}"]
    `;
    const high = run(['lint', '--format', 'json', workspace({ 'compose.yaml': gmu, '.env': 'GMU=0.99\n' })]);
    const rules = (out: string) => (JSON.parse(out) as { rule: string }[]).map((f) => f.rule);
    assert.ok(rules(high.stdout).includes('gpu-memory-utilization-high'), high.stdout);
    const fine = run(['lint', '--format', 'json', workspace({ 'compose.yaml': gmu, '.env': 'GMU=0.85\n' })]);
    assert.ok(!rules(fine.stdout).includes('gpu-memory-utilization-high'), fine.stdout);
  });

  it('lists the rules', () => {
    const r = run(['rules']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(RULE));
  });
});
