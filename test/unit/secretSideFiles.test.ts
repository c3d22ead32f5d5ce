/**
 * The secret-literal fix keeps the secret (issue 12 item 3): the value moves into the `.env` beside the Compose file,
 * written so that Compose's dotenv parser reads back exactly it, and `.env` is git-ignored. These are the pieces:
 * the `.env` writer (compose/dotenvEdit.ts), the side-file edits of a fix (analysis/sideFiles.ts) and Fix All over
 * them (analysis/fixAll.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fixAll } from '../../server/src/analysis/fixAll';
import { SideFiles, type SideFileAccess } from '../../server/src/analysis/sideFiles';
import { parseDotEnv, parseDotEnvFile } from '../../server/src/compose/dotenv';
import { dotEnvAssignment, quoteDotEnvValue, setDotEnvVariable } from '../../server/src/compose/dotenvEdit';
import { interpolate } from '../../server/src/compose/interpolation';
import type { Finding, Fix } from '../../server/src/core/types';
import { RULES } from '../../server/src/rules/registry';
import { applyFix, findingsOf, preferredFix, yaml } from '../helpers';

// Made-up values in real formats (random letters, no real account behind them).
const HF = 'hf_Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6UoTi';
const HF_OTHER = 'hf_Wk3pLs8QzTn2VbXc7RyMd4FgHj9Ae5UoPi';

const compose = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      environment:
        HF_TOKEN: ${HF}
`;

function secretFix(text: string, options: Parameters<typeof findingsOf>[3] = {}): Fix {
  const [finding] = findingsOf('secret-literal', text, 'compose', options);
  assert.ok(finding, 'a secret-literal finding');
  return preferredFix(finding);
}

/** A project folder with `files` (relative path → text), inside a workspace root of its own. */
function project(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'is-side-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe('quoteDotEnvValue: what is written reads back as exactly the value (compose-go dotenv, dotenv.ts)', () => {
  const readBack = (v: string, before = '') => parseDotEnv(`${before}${dotEnvAssignment('K', v)}\n`).get('K');

  it('tokens stay bare; `#`, blanks and `$` go in single quotes; a `\'` or a final backslash in double quotes', () => {
    assert.equal(quoteDotEnvValue(HF), HF);
    assert.equal(quoteDotEnvValue('pass word #1'), "'pass word #1'");
    assert.equal(quoteDotEnvValue('pa$HOME'), "'pa$HOME'");
    assert.equal(quoteDotEnvValue(`it's`), `"it's"`);
    assert.equal(quoteDotEnvValue('end\\'), '"end\\\\"');
    for (const v of [HF, 'pass word #1', 'pa$HOME', 'pa$$w', `it's`, 'end\\', `a"b'c$d\\e`, ' lead', 'trail ', '#x', '${HF_TOKEN}', 'a\nb\r\tc\x01', '"quoted"', "'single'"]) {
      assert.equal(readBack(v), v, JSON.stringify(v));
    }
  });

  it('round-trips any string, after any other lines (property)', () => {
    const tricky = fc.constantFrom(...`'"$\\# =:\t\n\r{}!\`ab1é`.split(''), '\u0085', '\u00a0', '\u2028', '😀');
    const value = fc.oneof(fc.string({ unit: tricky, minLength: 1, maxLength: 24 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }));
    fc.assert(
      fc.property(value, fc.constantFrom('', 'A=1\n', 'B="x\ny"\n', 'export C=\'q\' # c\n'), (v, before) => readBack(v, before) === v),
      { seed: 20261207, numRuns: 2000 },
    );
  });
});

describe('setDotEnvVariable', () => {
  it('a new .env: the one line', () => {
    assert.deepEqual(setDotEnvVariable(undefined, 'HF_TOKEN', HF), { kind: 'changed', text: `HF_TOKEN=${HF}\n`, how: 'added' });
  });

  it('appends to an existing .env, with or without its final line break', () => {
    assert.deepEqual(setDotEnvVariable('A=1\n', 'HF_TOKEN', HF), { kind: 'changed', text: `A=1\nHF_TOKEN=${HF}\n`, how: 'added' });
    assert.deepEqual(setDotEnvVariable('A=1', 'HF_TOKEN', HF), { kind: 'changed', text: `A=1\nHF_TOKEN=${HF}\n`, how: 'added' });
  });

  it('keeps a CRLF .env CRLF', () => {
    const result = setDotEnvVariable('A=1\r\nB=2', 'HF_TOKEN', HF);
    assert.deepEqual(result, { kind: 'changed', text: `A=1\r\nB=2\r\nHF_TOKEN=${HF}\r\n`, how: 'added' });
  });

  it('writes nothing when .env sets the same value already, however quoted', () => {
    assert.deepEqual(setDotEnvVariable(`HF_TOKEN="${HF}"\n`, 'HF_TOKEN', HF), { kind: 'unchanged' });
    assert.deepEqual(setDotEnvVariable(`export HF_TOKEN=${HF}`, 'HF_TOKEN', HF), { kind: 'unchanged' });
  });

  it('refuses when .env sets another value (it would be lost)', () => {
    assert.deepEqual(setDotEnvVariable(`HF_TOKEN=${HF_OTHER}\n`, 'HF_TOKEN', HF), { kind: 'conflict' });
  });

  it('fills an empty `NAME=` where it is, keeping the other lines and line breaks', () => {
    for (const empty of ['HF_TOKEN=', 'HF_TOKEN=  ', 'HF_TOKEN=""', "export HF_TOKEN=''", 'HF_TOKEN="" # set me']) {
      const result = setDotEnvVariable(`A=1\r\n${empty}\r\nB=2\r\n`, 'HF_TOKEN', HF);
      assert.deepEqual(result, { kind: 'changed', text: `A=1\r\nHF_TOKEN=${HF}\r\nB=2\r\n`, how: 'filled' }, empty);
    }
  });

  it('appends rather than fill when filling would change another variable', () => {
    const text = 'HF_TOKEN=\nMIRROR=${HF_TOKEN}\n';
    const result = setDotEnvVariable(text, 'HF_TOKEN', HF);
    assert.equal(result.kind, 'changed');
    const after = parseDotEnv((result as { text: string }).text);
    assert.equal(after.get('HF_TOKEN'), HF);
    assert.equal(after.get('MIRROR'), '');
  });

  it('refuses when a syntax error above the end would stop Compose before the new line', () => {
    assert.equal(parseDotEnvFile('A="unterminated\n').errors.length > 0, true);
    assert.deepEqual(setDotEnvVariable('A="unterminated\n', 'HF_TOKEN', HF), { kind: 'unreadable' });
  });
});

describe('SideFiles: a fix that moves a secret into .env', () => {
  const access = (root: string, dir = root, extra: Partial<SideFileAccess> = {}): SideFileAccess => ({ dir, root, ...extra });
  const changesOf = (side: SideFiles) => Object.fromEntries(side.changes().map((c) => [c.file, { before: c.before, after: c.after, notes: c.notes }]));

  it('the rule\'s fix carries the value by where it is written, never the value itself', () => {
    const [finding] = findingsOf('secret-literal', compose) as [Finding];
    assert.ok(!JSON.stringify(finding).includes(HF), 'the finding (diagnostic data, JSON output) holds no secret');
    assert.deepEqual(preferredFix(finding).sideEdits, [
      { kind: 'env', file: '.env', name: 'HF_TOKEN', value: { edit: 0, start: 0, end: HF.length } },
      { kind: 'git-ignored', file: '.env' },
    ]);
  });

  it('no .env, no .gitignore: both created, the value kept as it was in the Compose file', () => {
    const root = project();
    const side = new SideFiles(access(root));
    assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(changesOf(side), {
      '.env': { before: undefined, after: `HF_TOKEN=${HF}\n`, notes: ['HF_TOKEN added'] },
      '.gitignore': { before: undefined, after: '.env\n', notes: ['.env added'] },
    });
    // `.env` comes first: the value is kept before anything refers to it.
    assert.deepEqual(side.changes().map((c) => c.file), ['.env', '.gitignore']);
    // What Compose then reads: the Compose file after the fix, interpolated with the new .env.
    const fixed = applyFix(compose, secretFix(compose));
    assert.ok(fixed.includes('HF_TOKEN: ${HF_TOKEN}'), fixed);
    assert.equal(interpolate('${HF_TOKEN}', parseDotEnv(side.changes()[0]!.after)), HF);
  });

  it('a .gitignore without .env gets it appended (after a line break it lacked)', () => {
    const root = project({ '.gitignore': 'node_modules' });
    const side = new SideFiles(access(root));
    assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(changesOf(side)['.gitignore'], { before: 'node_modules', after: 'node_modules\n.env\n', notes: ['.env added'] });
  });

  for (const pattern of ['.env', '*.env', '.env*', '/.env', '**/.env']) {
    it(`a .gitignore that ignores .env already (${pattern}) is left alone`, () => {
      const root = project({ '.gitignore': `dist/\n${pattern}\n` });
      const side = new SideFiles(access(root));
      assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
      assert.deepEqual(Object.keys(changesOf(side)), ['.env']);
    });
  }

  it('a .gitignore above the Compose file\'s folder counts (up to the workspace root)', () => {
    const root = project({ '.gitignore': '.env\n', 'stack/compose.yaml': compose });
    const side = new SideFiles(access(root, join(root, 'stack')));
    assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(side.changes().map((c) => c.path), [join(root, 'stack', '.env')]);
  });

  it('a .gitignore above the workspace root does not count', () => {
    const outer = project({ '.gitignore': '.env\n' });
    const root = join(outer, 'workspace');
    mkdirSync(root);
    const side = new SideFiles(access(root));
    assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(changesOf(side)['.gitignore']?.after, '.env\n');
  });

  it('a deeper `!.env` wins over a higher `.env`, and the fix is refused: the secret would be committed', () => {
    const root = project({ '.gitignore': '.env\n', 'stack/.gitignore': '!.env\n' });
    const side = new SideFiles(access(root, join(root, 'stack')));
    const made = side.apply(secretFix(compose), compose);
    assert.equal(made.ok, false);
    assert.match((made as { reason: string }).reason, /\.gitignore un-ignores \.env/);
    assert.deepEqual(side.changes(), [], 'nothing half made');
  });

  it('an existing .env: same value → .env untouched; another value → refused as a conflict; empty → filled', () => {
    const same = new SideFiles(access(project({ '.env': `HF_TOKEN=${HF}\n`, '.gitignore': '.env\n' })));
    assert.deepEqual(same.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(same.changes(), []);
    // The .env holds the secret all the same: it is still made git-ignored.
    const sameNotIgnored = new SideFiles(access(project({ '.env': `HF_TOKEN=${HF}\n` })));
    assert.deepEqual(sameNotIgnored.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(sameNotIgnored.changes().map((c) => [c.file, c.after]), [['.gitignore', '.env\n']]);

    const other = new SideFiles(access(project({ '.env': `HF_TOKEN=${HF_OTHER}\n` })));
    assert.deepEqual(other.apply(secretFix(compose), compose), { ok: false, reason: '.env sets HF_TOKEN to another value', conflict: true });
    assert.deepEqual(other.changes(), []);

    const empty = new SideFiles(access(project({ '.env': 'A=1\nHF_TOKEN=\n', '.gitignore': '.env\n' })));
    assert.deepEqual(empty.apply(secretFix(compose), compose), { ok: true });
    assert.deepEqual(changesOf(empty)['.env'], { before: 'A=1\nHF_TOKEN=\n', after: `A=1\nHF_TOKEN=${HF}\n`, notes: ['HF_TOKEN set (it was empty)'] });
  });

  it('a .env that is a symbolic link is refused, and its target is not touched', () => {
    const root = project({ 'real.env': 'A=1\n' });
    symlinkSync(join(root, 'real.env'), join(root, '.env'));
    const side = new SideFiles(access(root));
    const made = side.apply(secretFix(compose), compose);
    assert.deepEqual(made, { ok: false, reason: '.env is a symbolic link (its target is not rewritten)' });
    assert.equal(readFileSync(join(root, 'real.env'), 'utf8'), 'A=1\n');
  });

  it('reads the editor\'s unsaved .env, and refuses to create one where the editor cannot', () => {
    const root = project({ '.env': 'A=1\n', '.gitignore': '.env\n' });
    const side = new SideFiles(access(root, root, { open: [[join(root, '.env'), 'A=2\n']] }));
    assert.deepEqual(side.apply(secretFix(compose), compose), { ok: true });
    assert.equal(changesOf(side)['.env']!.after, `A=2\nHF_TOKEN=${HF}\n`);

    const noCreate = new SideFiles(access(project(), undefined, { canCreate: false }));
    assert.deepEqual(noCreate.apply(secretFix(compose), compose), { ok: false, reason: '.env does not exist and the editor cannot create files' });
  });

  it('a `$$` in the Compose file is one `$` in the value moved', () => {
    const text = yaml`
      services:
        db:
          image: postgres:16
          environment:
            POSTGRES_PASSWORD: "s3cr3t$$tuff#1"
    `;
    const side = new SideFiles(access(project({ '.gitignore': '.env\n' })));
    assert.deepEqual(side.apply(secretFix(text), text), { ok: true });
    assert.equal(parseDotEnv(side.changes()[0]!.after).get('POSTGRES_PASSWORD'), 's3cr3t$tuff#1');
  });
});

describe('fixAll with side files', () => {
  const two = (a: string, b: string) => yaml`
    services:
      a:
        image: nginx:1.27
        environment:
          HF_TOKEN: ${a}
      b:
        image: nginx:1.27
        environment:
          - HF_TOKEN=${b}
  `;
  // secret-literal alone: the other rules' fixes would make the texts harder to read.
  const only = { rules: Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.id === 'secret-literal' ? ('error' as const) : ('off' as const)])) };

  it('two findings naming the same variable and value write its .env line once', () => {
    const root = project();
    const text = two(HF, HF);
    const result = fixAll(text, 'compose', only, undefined, undefined, { dir: root, root });
    assert.ok(!result.text.includes(HF), result.text);
    assert.equal(result.byRule['secret-literal'], 2);
    const env = result.sideChanges.find((c) => c.file === '.env')!;
    assert.equal(env.after, `HF_TOKEN=${HF}\n`);
    assert.deepEqual(env.notes, ['HF_TOKEN added']);
    assert.deepEqual(result.sideChanges.find((c) => c.file === '.gitignore')?.after, '.env\n');
  });

  it('two values for one variable: the first moves, the second is left with a fix under its own name (not preferred)', () => {
    const root = project();
    const text = two(HF, HF_OTHER);
    const result = fixAll(text, 'compose', only, undefined, undefined, { dir: root, root });
    assert.equal(result.byRule['secret-literal'], 1);
    assert.ok(!result.text.includes(HF) && result.text.includes(HF_OTHER), result.text);
    assert.equal(parseDotEnv(result.sideChanges[0]!.after).get('HF_TOKEN'), HF);
    // The finding left: its one fix moves the value as HF_TOKEN_2, for a person to pick.
    const left = findingsOf('secret-literal', result.text, 'compose', { dotEnv: parseDotEnv(result.sideChanges[0]!.after) });
    assert.equal(left.length, 1);
    assert.deepEqual(left[0]!.fixes.map((f) => [f.title, f.preferred]), [['Replace with ${HF_TOKEN_2} and move the value to .env as HF_TOKEN_2 (.env sets HF_TOKEN to another value)', false]]);
  });

  it('without side-file access the fix is not made (the secret is never dropped), and says why', () => {
    const result = fixAll(compose, 'compose', only);
    assert.equal(result.text, compose);
    assert.deepEqual(result.sideChanges, []);
    assert.deepEqual(result.notMade, ['secret-literal fix not made: it also writes files beside this one, which cannot be written here']);
  });
});
