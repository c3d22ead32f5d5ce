/**
 * The secret-literal quick fix and Fix All over LSP (issue 12 item 3): the code action is one WorkspaceEdit that
 * creates or appends the `.env` line holding the value and the `.gitignore` entry, then edits the Compose file, so
 * the value is kept where Compose reads `${HF_TOKEN}`. Applied here as an editor would, to copies of the files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionRequest,
  CreateFile,
  Diagnostic,
  InitializedNotification,
  InitializeRequest,
  TextDocumentEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDotEnv } from '../../server/src/compose/dotenv';
import { interpolate } from '../../server/src/compose/interpolation';
import { yaml } from '../helpers';
import { LspSession } from './lspHarness';

// A made-up value in a real format (random letters, no real account behind it).
const HF = 'hf_Qm7tZr2LpXw9KcVb4NyHd8FgJs3Ae6UoTi';
const TITLE = 'Replace with ${HF_TOKEN} and move the value to .env (git-ignored)';

const compose = yaml`
  services:
    app:
      image: nginx:1.27
      environment:
        HF_TOKEN: ${HF}
`;

/** VS Code's capabilities that matter here; `documentChanges: false` stands for a simpler editor. */
function capabilities(documentChanges: boolean): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      workspaceEdit: documentChanges ? { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } : {},
    },
    textDocument: {
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, disabledSupport: true },
    },
  };
}

async function session(folders: readonly string[], documentChanges: boolean): Promise<LspSession> {
  const lsp = new LspSession({ enable: true, rules: {} });
  await lsp.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: capabilities(documentChanges),
    workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).href, name: basename(f) })),
  });
  await lsp.connection.sendNotification(InitializedNotification.type, {});
  return lsp;
}

function workspace(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'is-lsp-secret-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

/** The secret-literal diagnostic of `compose.yaml` in `root`, opened with `text`, and the code actions for it. */
async function actionsFor(lsp: LspSession, root: string, text = compose): Promise<{ uri: string; diagnostics: Diagnostic[]; actions: CodeAction[] }> {
  const uri = pathToFileURL(join(root, 'compose.yaml')).href;
  await lsp.open(uri, 'dockercompose', text);
  const diagnostics = await lsp.diagnostics(uri, { version: 1 });
  const secret = diagnostics.filter((d) => d.code === 'secret-literal');
  assert.ok(secret.length > 0, JSON.stringify(diagnostics.map((d) => d.code)));
  const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: secret[0]!.range,
    context: { diagnostics: [secret[0]!] },
  })) as CodeAction[];
  return { uri, diagnostics, actions };
}

/** Applies a WorkspaceEdit as an editor does, to the files' texts (path → text; missing: absent). */
function apply(edit: WorkspaceEdit, files: Map<string, string>): void {
  const editFile = (uri: string, edits: TextDocumentEdit['edits']) => {
    const path = fileURLToPath(uri);
    assert.ok(files.has(path), `an edit of ${path}, which does not exist`);
    files.set(path, TextDocument.applyEdits(TextDocument.create(uri, 'plaintext', 0, files.get(path)!), edits as never));
  };
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      assert.ok(CreateFile.is(change), `only files created: ${change.kind}`);
      const path = fileURLToPath(change.uri);
      assert.deepEqual(change.options, { ignoreIfExists: true });
      if (!files.has(path)) files.set(path, '');
    } else editFile(change.textDocument.uri, change.edits);
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) editFile(uri, edits);
}

function disk(root: string, names: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of names) if (existsSync(join(root, name))) files.set(join(root, name), readFileSync(join(root, name), 'utf8'));
  return files;
}

describe('language server: the secret-literal fix keeps the value in .env', () => {
  let lsp: LspSession;
  let simple: LspSession;
  const roots: string[] = [];
  before(async () => {
    // One workspace folder per test: the fifth for a simpler editor, the others for an editor like VS Code.
    for (let i = 0; i < 6; i++) roots.push(workspace());
    lsp = await session([...roots.slice(0, 4), roots[5]!], true);
    simple = await session([roots[4]!], false);
  });
  after(async () => {
    await lsp.close();
    await simple.close();
  });

  it('creates .env and .gitignore and edits the Compose file in one edit; the diagnostic holds no secret', async () => {
    const root = roots[0]!;
    const { uri, diagnostics, actions } = await actionsFor(lsp, root);
    assert.ok(!JSON.stringify(diagnostics).includes(HF), 'the value is not in the diagnostics or their data');
    const fix = actions.find((a) => a.title === TITLE);
    assert.ok(fix?.isPreferred, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(!actions.some((a) => a.title.includes(HF)));
    const changes = fix.edit!.documentChanges!;
    // The value is kept before anything refers to it: .env, then .gitignore, then the Compose file at its version.
    assert.deepEqual(
      changes.map((c) => (CreateFile.is(c) ? `create ${basename(fileURLToPath(c.uri))}` : 'kind' in c ? c.kind : `edit ${basename(fileURLToPath(c.textDocument.uri))} v${c.textDocument.version}`)),
      ['create .env', 'edit .env vnull', 'create .gitignore', 'edit .gitignore vnull', 'edit compose.yaml v1'],
    );
    const files = new Map([[join(root, 'compose.yaml'), compose]]);
    apply(fix.edit!, files);
    assert.equal(files.get(join(root, '.env')), `HF_TOKEN=${HF}\n`);
    assert.equal(files.get(join(root, '.gitignore')), '.env\n');
    const fixed = files.get(fileURLToPath(uri))!;
    assert.ok(fixed.includes('HF_TOKEN: ${HF_TOKEN}') && !fixed.includes(HF), fixed);
    // What Compose reads for the service: the value that was in the file.
    assert.equal(interpolate('${HF_TOKEN}', parseDotEnv(files.get(join(root, '.env'))!)), HF);
  });

  it('appends to an existing .env (no final line break) and leaves a .gitignore that ignores it alone', async () => {
    const root = roots[1]!;
    writeFileSync(join(root, '.env'), 'MODEL=org/m');
    writeFileSync(join(root, '.gitignore'), 'node_modules/\n*.env\n');
    const { actions } = await actionsFor(lsp, root);
    const fix = actions.find((a) => a.title === TITLE)!;
    assert.deepEqual(
      fix.edit!.documentChanges!.map((c) => ('kind' in c ? c.kind : basename(fileURLToPath(c.textDocument.uri)))),
      ['.env', 'compose.yaml'],
    );
    const files = disk(root, ['.env', '.gitignore']);
    files.set(join(root, 'compose.yaml'), compose);
    apply(fix.edit!, files);
    assert.equal(files.get(join(root, '.env')), `MODEL=org/m\nHF_TOKEN=${HF}\n`);
    assert.equal(files.get(join(root, '.gitignore')), 'node_modules/\n*.env\n');
  });

  it('Fix All writes one .env line for two findings of one variable, and its title says what it writes beside', async () => {
    const root = roots[2]!;
    const text = yaml`
      services:
        a:
          image: nginx:1.27
          environment:
            HF_TOKEN: ${HF}
        b:
          image: nginx:1.27
          environment:
            - HF_TOKEN=${HF}
    `;
    const uri = pathToFileURL(join(root, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', text);
    await lsp.diagnostics(uri, { version: 1 });
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.inference-stack'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    assert.match(actions[0]!.title, /^Fix all auto-fixable Inference Stack problems \(\d+; \.env: HF_TOKEN added; \.gitignore: \.env added\)$/);
    const files = new Map([[fileURLToPath(uri), text]]);
    apply(actions[0]!.edit!, files);
    assert.equal(files.get(join(root, '.env')), `HF_TOKEN=${HF}\n`);
    assert.equal(files.get(join(root, '.gitignore')), '.env\n');
    const fixed = files.get(fileURLToPath(uri))!;
    assert.ok(!fixed.includes(HF), fixed);
    assert.equal(fixed.match(/\$\{HF_TOKEN\}/g)?.length, 2, fixed);
  });

  it('a diagnostic the editor has moved (text typed above it, not yet analysed): the fix is disabled, never a shifted slice moved to .env', async () => {
    const root = roots[5]!;
    const { uri, diagnostics } = await actionsFor(lsp, root);
    const secret = diagnostics.find((d) => d.code === 'secret-literal')!;
    const moved = { ...secret, range: { start: { ...secret.range.start, line: secret.range.start.line + 1 }, end: { ...secret.range.end, line: secret.range.end.line + 1 } } };
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: moved.range, context: { diagnostics: [moved] } })) as CodeAction[];
    const fix = actions.find((a) => a.title === TITLE);
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.edit, undefined);
    assert.match(fix.disabled?.reason ?? '', /changed since it was checked/);
  });

  it('a .env that is a symbolic link: the fix is shown disabled with why, and nothing is written', async () => {
    const root = roots[3]!;
    writeFileSync(join(root, 'real.env'), 'A=1\n');
    symlinkSync(join(root, 'real.env'), join(root, '.env'));
    const { actions } = await actionsFor(lsp, root);
    const fix = actions.find((a) => a.title === TITLE);
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.edit, undefined);
    assert.deepEqual(fix.disabled, { reason: 'Not made: .env is a symbolic link (its target is not rewritten).' });
    assert.equal(readFileSync(join(root, 'real.env'), 'utf8'), 'A=1\n');
  });

  it('an editor without documentChanges: no fix that would need to create .env; `changes` once the files exist', async () => {
    const root = roots[4]!;
    const { uri, actions } = await actionsFor(simple, root);
    const fix = actions.find((a) => a.title === TITLE);
    assert.ok(fix && fix.edit === undefined, JSON.stringify(actions));
    assert.deepEqual(fix.disabled, { reason: 'Not made: .env does not exist and the editor cannot create files.' });

    writeFileSync(join(root, '.env'), 'A=1\n');
    writeFileSync(join(root, '.gitignore'), '');
    const again = (await simple.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: fix.diagnostics![0]!.range,
      context: { diagnostics: fix.diagnostics! },
    })) as CodeAction[];
    const now = again.find((a) => a.title === TITLE)!;
    assert.deepEqual(Object.keys(now.edit!.changes!).map((u) => basename(fileURLToPath(u))).sort(), ['.env', '.gitignore', 'compose.yaml']);
    const files = disk(root, ['.env', '.gitignore']);
    files.set(fileURLToPath(uri), compose);
    apply(now.edit!, files);
    assert.equal(files.get(join(root, '.env')), `A=1\nHF_TOKEN=${HF}\n`);
    assert.equal(files.get(join(root, '.gitignore')), '.env\n');
  });
});

/**
 * Applies a WorkspaceEdit as VS Code does to the editor's documents: an open document's edit names its version, and a
 * version that is not the document's current one makes the editor refuse the whole edit (returns false, nothing
 * changed). `open`: path → version of the documents open in the editor.
 */
function applyAsEditor(edit: WorkspaceEdit, files: Map<string, string>, open: ReadonlyMap<string, number>): boolean {
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) continue;
    const version = open.get(fileURLToPath(change.textDocument.uri));
    if (version !== undefined && change.textDocument.version !== null && change.textDocument.version !== version) return false;
  }
  apply(edit, files);
  return true;
}

/** The TextDocumentEdits of `edit`, as "name vVERSION". */
function editedFiles(edit: WorkspaceEdit): string[] {
  return (edit.documentChanges ?? []).flatMap((c) => ('kind' in c ? [] : [`${basename(fileURLToPath(c.textDocument.uri))} v${c.textDocument.version}`]));
}

async function fixAllActions(lsp: LspSession, uri: string): Promise<CodeAction[]> {
  return (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.inference-stack'] },
  })) as CodeAction[];
}

describe('language server: the secret-literal fix edits .env and .gitignore as the editor has them, unsaved changes included', () => {
  let lsp: LspSession;
  const roots: string[] = [];
  before(async () => {
    for (let i = 0; i < 4; i++) roots.push(workspace());
    lsp = await session(roots, true);
  });
  after(() => lsp.close());

  it('a .env open with unsaved lines: the quick fix and Fix All append after them, at the editor\'s version', async () => {
    const root = roots[0]!;
    writeFileSync(join(root, '.env'), 'A=1\n');
    writeFileSync(join(root, '.gitignore'), '.env\n');
    const envPath = join(root, '.env');
    // Typed in the editor, not saved: the disk still has "A=1\n".
    const unsaved = 'A=1\nMODEL=org/m';
    await lsp.open(pathToFileURL(envPath).href, 'properties', unsaved, 4);
    const { uri, actions } = await actionsFor(lsp, root);
    const expected = `A=1\nMODEL=org/m\nHF_TOKEN=${HF}\n`;
    const quick = actions.find((a) => a.title === TITLE)!;
    assert.deepEqual(editedFiles(quick.edit!), ['.env v4', 'compose.yaml v1']);
    const files = new Map([[envPath, unsaved], [fileURLToPath(uri), compose]]);
    assert.ok(applyAsEditor(quick.edit!, files, new Map([[envPath, 4]])));
    assert.equal(files.get(envPath), expected);

    const [all] = await fixAllActions(lsp, uri);
    assert.deepEqual(editedFiles(all!.edit!), ['.env v4', 'compose.yaml v1']);
    const again = new Map([[envPath, unsaved], [fileURLToPath(uri), compose]]);
    assert.ok(applyAsEditor(all!.edit!, again, new Map([[envPath, 4]])));
    assert.equal(again.get(envPath), expected);
  });

  it('.env edited while Fix All is computed: no edit at the offsets of the older text (A=12345 stays whole)', async () => {
    const root = roots[1]!;
    writeFileSync(join(root, '.gitignore'), '.env\n');
    const envPath = join(root, '.env');
    const envUri = pathToFileURL(envPath).href;
    writeFileSync(envPath, 'A=1');
    await lsp.open(envUri, 'properties', 'A=1', 1);
    const uri = pathToFileURL(join(root, 'compose.yaml')).href;
    await lsp.open(uri, 'dockercompose', compose);
    await lsp.diagnostics(uri, { version: 1 });
    // Fix All runs on a worker; the person types in .env meanwhile.
    const pending = fixAllActions(lsp, uri);
    await lsp.replace(envUri, 'A=12345', 2);
    const actions = await pending;
    const files = new Map([[envPath, 'A=12345'], [fileURLToPath(uri), compose]]);
    // Either no Fix All (it is offered again once asked again), or one computed from the new text.
    if (actions.length && applyAsEditor(actions[0]!.edit!, files, new Map([[envPath, 2]]))) assert.equal(files.get(envPath), `A=12345\nHF_TOKEN=${HF}\n`);
    assert.ok(!files.get(envPath)!.includes('A=1\n'), JSON.stringify(files.get(envPath)));
    // Asked again, Fix All is made from the text the editor has.
    const [now] = await fixAllActions(lsp, uri);
    assert.ok(applyAsEditor(now!.edit!, files, new Map([[envPath, 2]])));
    assert.equal(files.get(envPath), `A=12345\nHF_TOKEN=${HF}\n`);
  });

  it('a .gitignore open with unsaved lines: `.env` is added after them, at the editor\'s version', async () => {
    const root = roots[2]!;
    writeFileSync(join(root, '.gitignore'), 'node_modules');
    const ignorePath = join(root, '.gitignore');
    const unsaved = 'node_modules/\n*.log';
    await lsp.open(pathToFileURL(ignorePath).href, 'ignore', unsaved, 7);
    const { uri, actions } = await actionsFor(lsp, root);
    const fix = actions.find((a) => a.title === TITLE)!;
    assert.deepEqual(editedFiles(fix.edit!), ['.env vnull', '.gitignore v7', 'compose.yaml v1']);
    const files = new Map([[ignorePath, unsaved], [fileURLToPath(uri), compose]]);
    assert.ok(applyAsEditor(fix.edit!, files, new Map([[ignorePath, 7]])));
    assert.equal(files.get(ignorePath), 'node_modules/\n*.log\n.env\n');
  });

  it('a .gitignore whose unsaved lines already ignore .env is left alone', async () => {
    const root = roots[3]!;
    writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
    await lsp.open(pathToFileURL(join(root, '.gitignore')).href, 'ignore', 'node_modules/\n.env*\n', 2);
    const { actions } = await actionsFor(lsp, root);
    const fix = actions.find((a) => a.title === TITLE)!;
    assert.deepEqual(editedFiles(fix.edit!), ['.env vnull', 'compose.yaml v1']);
  });
});
