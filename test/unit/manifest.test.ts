import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { ANALYSIS_STOPPED_RULE_ID } from '../../server/src/analysis/analysisBudget';
import { SYNTAX_RULE_ID, TOO_LARGE_RULE_ID, TOO_MANY_FINDINGS_RULE_ID } from '../../server/src/analysis/analyze';
import { RULES } from '../../server/src/rules/registry';
import { DEFAULT_START_TIMEOUT_SECONDS } from '../../client/src/stack/runner/stackRunner';
import { isComposeFileName } from '../../server/src/core/fileKind';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('rule metadata, docs and settings stay in step', () => {
  it('every rule id is unique and kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)+$/);
  });

  for (const id of [...RULES.map((r) => r.meta.id), SYNTAX_RULE_ID, TOO_LARGE_RULE_ID, TOO_MANY_FINDINGS_RULE_ID, ANALYSIS_STOPPED_RULE_ID]) {
    it(`docs/rules/${id}.md explains why, shows bad and good, and how to silence it`, () => {
      const path = join(root, 'docs', 'rules', `${id}.md`);
      assert.ok(existsSync(path), `missing ${path}`);
      const doc = readFileSync(path, 'utf8');
      assert.ok(doc.startsWith(`# ${id}\n`), 'title is the rule id');
      for (const section of ['## Why', '## Bad', '## Good', '## Silence it']) assert.ok(doc.includes(section), `${id}: no "${section}"`);
      const rule = RULES.find((r) => r.meta.id === id);
      if (rule) assert.ok(doc.includes(`**Severity:** ${rule.meta.defaultSeverity}`), `${id}: severity line differs from metadata`);
    });
  }

  it('package.json declares a severity setting for every rule (node scripts/gen-manifest.mjs)', () => {
    const props = pkg.contributes.configuration.properties['inferenceStack.rules'].properties;
    assert.deepEqual(Object.keys(props).sort(), RULES.map((r) => r.meta.id).sort());
  });

  it('the README rule table lists every rule with its docs link', () => {
    for (const r of RULES) assert.ok(readme.includes(`[\`${r.meta.id}\`](docs/rules/${r.meta.id}.md)`), r.meta.id);
  });

  it('maps the inference-stack bin to the bundled CLI', () => {
    assert.equal(pkg.bin['inference-stack'], './dist/cli.js');
  });
});

describe('settings defaults have one value', () => {
  it('inferenceStack.startTimeoutSeconds defaults to what a Start waits for when the setting is absent', () => {
    const setting = pkg.contributes.configuration.properties['inferenceStack.startTimeoutSeconds'];
    assert.equal(setting.default, DEFAULT_START_TIMEOUT_SECONDS);
  });
});

describe('the editor title\'s Start button', () => {
  it('shows on exactly the files the language server takes for Compose files', () => {
    const entry = pkg.contributes.menus['editor/title'].find((m: { command: string }) => m.command === 'inferenceStack.start');
    const literal = /resourceFilename =~ \/(.+)\/(i?)\)/.exec(entry.when);
    assert.ok(literal, entry.when);
    const shown = new RegExp(literal[1]!, literal[2]);
    const names = ['compose.yaml', 'compose.yml', 'compose.override.yaml', 'docker-compose.yml', 'docker-compose.prod.yaml', 'vllm.compose.yaml', 'Compose.YAML', 'values.yaml', 'compose.json', 'mycompose.yaml', 'my-compose.yml', 'compose.yaml.bak'];
    for (const name of names) assert.equal(shown.test(name), isComposeFileName(name), name);
    assert.match(entry.when, /isWorkspaceTrusted/);
  });
});

/** What .vscodeignore lets into the .vsix: it ignores everything (`**`), then re-includes `!pattern` lines. */
function shipped(path: string): boolean {
  const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const glob = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`);
  let included = true;
  for (const line of ignore) {
    if (line.startsWith('!')) {
      if (glob(line.slice(1)).test(path)) included = true;
    } else if (glob(line).test(path)) included = false;
  }
  return included;
}

describe('getting started (issue 12 item 8)', () => {
  const walkthrough = pkg.contributes.walkthroughs?.[0];
  const commandIds = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  /** Commands a link may run: ours (contributed, or registered at activation), a view's focus command, VS Code's own. */
  const runnable = (id: string) =>
    commandIds.has(id) || id === 'inferenceStack.openRuleDoc' || id === 'inferenceStack.probe.focus' || ['workbench.actions.view.problems'].includes(id);
  const commandLinks = (text: string) => [...text.matchAll(/\]\(command:([\w.-]+)/g)].map((m) => m[1]!);

  it('a walkthrough: open or write a stack, see a finding and fix it, start, probe, read the metrics', () => {
    assert.ok(walkthrough, 'no contributes.walkthroughs');
    assert.equal(walkthrough.id, 'getStarted');
    assert.deepEqual(walkthrough.steps.map((s: { id: string }) => s.id), ['openStack', 'findAndFix', 'start', 'probe', 'metrics']);
    const views = new Set(pkg.contributes.views.inferenceStack.map((v: { id: string }) => v.id));
    for (const step of walkthrough.steps) {
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id}: no button`);
      for (const id of links) assert.ok(runnable(id), `${step.id}: a button runs ${id}, which nothing registers`);
      assert.ok(step.completionEvents.length > 0, `${step.id}: never completes`);
      for (const event of step.completionEvents) {
        const [kind, arg] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(runnable(arg) || arg === 'editor.action.quickFix', `${step.id}: ${event}`);
        else if (kind === 'onView') assert.ok(views.has(arg), `${step.id}: ${event}`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
    }
    assert.deepEqual(walkthrough.steps.find((s: { id: string }) => s.id === 'metrics').completionEvents, ['onView:inferenceStack.probe']);
  });

  it('every walkthrough page and image exists and is shipped, and its links run registered commands', () => {
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(typeof media === 'string', step.id);
      assert.ok(existsSync(join(root, media)), `${step.id}: ${media} missing`);
      assert.ok(shipped(media), `${step.id}: ${media} is not in the .vsix (.vscodeignore)`);
      if (step.media.image) assert.ok(step.media.altText?.length > 20, `${step.id}: an image needs its altText`);
      if (step.media.markdown) for (const id of commandLinks(readFileSync(join(root, media), 'utf8'))) assert.ok(runnable(id), `${media}: a link runs ${id}`);
    }
  });

  it('each rule page ships, and the pages it links to ship with it', () => {
    const pages = readdirSync(join(root, 'docs/rules')).filter((f) => f.endsWith('.md')).map((f) => `docs/rules/${f}`);
    for (const page of [...pages, 'docs/fit-accuracy.md', 'docs/stack/nvidia-toolkit.md']) {
      assert.ok(shipped(page), `${page} is not in the .vsix`);
      for (const m of readFileSync(join(root, page), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const resolved = posix.normalize(posix.join(posix.dirname(page), target));
        assert.ok(existsSync(join(root, resolved)) && shipped(resolved), `${page} links to ${target}, which the .vsix lacks: the preview would open nothing`);
      }
    }
  });

  it('README images are PNGs of the repository that vsce turns into https links (the extension page shows https images only)', () => {
    assert.match(pkg.repository.url, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 3);
    for (const src of images) {
      assert.match(src, /^docs\/images\/[\w-]+\.png$/, `${src}: relative, a PNG (vsce refuses SVG)`);
      assert.ok(existsSync(join(root, src)), `${src} missing`);
    }
  });
});

describe('Choose Compose Profiles is offered only where it has something to choose', () => {
  it('hidden from the Services view menu and the palette once the chosen project is known to declare none', () => {
    const menu = pkg.contributes.menus['view/title'].find((m: { command: string }) => m.command === 'inferenceStack.chooseProfiles');
    assert.match(menu.when, /inferenceStack\.profiles != 'none'/);
    const palette = pkg.contributes.menus.commandPalette.find((m: { command: string }) => m.command === 'inferenceStack.chooseProfiles');
    assert.equal(palette.when, "inferenceStack.profiles != 'none'");
  });
});
