/**
 * "New Inference Stack…": a thin wizard over the pure generator (server/src/scaffold/newStack.ts, which the CLI's
 * `new` uses too). It asks the template first; for `single`, the engine, model, GPU count, port, proxy and
 * Prometheus (only for engines that serve metrics); for `production` (vLLM), the model, GPU count, GPUs per worker
 * and port; then where to write (a subfolder by default), each step with its number and a Back button; it writes
 * every file newStackFiles returns and opens compose.yaml. It writes files and runs no container, so it is available
 * in untrusted workspaces too.
 */
import * as vscode from 'vscode';
import { uriExists } from './uriExists';
import { BACK, inputStep, pickStep, type StepAnswer, type StepPlace } from './wizardSteps';
import { workspaceRootOf, writeWorkspaceFiles } from './workspaceWrite';
import { showError, showInfo, showWarning } from './notify';
import * as os from 'node:os';
import {
  engineChoice,
  ENGINE_CHOICES,
  newStackFiles,
  PRODUCTION_ENGINE,
  PROMETHEUS_PORT,
  TEMPLATE_CHOICES,
  validateAnswers,
  validateGpuCount,
  validateGpusPerWorker,
  validateModel,
  validatePort,
  validatePortFree,
  type EngineChoice,
  type NewStackAnswers,
  type StackFile,
  type TemplateChoice,
  type TemplateId,
} from '../../../server/src/scaffold/newStack';

const TITLE = 'New Inference Stack';

/** A whole number typed in an InputBox, or undefined when it is not one. */
function wholeNumber(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text.trim()) : undefined;
}

function validateGpuText(engine: EngineChoice, text: string): string | undefined {
  const n = wholeNumber(text);
  return n === undefined ? 'The GPU count is a whole number.' : validateGpuCount(engine.id, n);
}

function validatePortText(text: string, template: TemplateId, prometheus: boolean): string | undefined {
  const n = wholeNumber(text);
  if (n === undefined) return 'The port is a whole number from 1 to 65535.';
  return validatePortFree(template, n, prometheus) ?? validatePort(n);
}

function validateWorkerGpuText(gpuText: string | undefined, text: string): string | undefined {
  const n = wholeNumber(text);
  return n === undefined ? 'The GPUs per worker is a whole number from 1.' : validateGpusPerWorker(wholeNumber(gpuText ?? '') ?? 1, n);
}

/** A folder name under a workspace folder: relative, no `..`, no empty parts. */
function validateSubfolder(text: string): string | undefined {
  const name = text.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  if (!name) return 'Enter a folder name.';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'Give a folder inside the workspace folder, not an absolute path.';
  if (name.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'A folder name has no empty, "." or ".." parts.';
  if (/[<>:"|?*\u0000-\u001f]/.test(name)) return 'A folder name has none of < > : " | ? * or control characters.';
  return undefined;
}

/** How the folder reads in messages: a workspace folder's name, else its path relative to the workspace. */
function displayName(folder: vscode.Uri): string {
  const ws = vscode.workspace.getWorkspaceFolder(folder);
  if (ws && ws.uri.toString() === folder.toString()) return ws.name;
  return vscode.workspace.asRelativePath(folder, true);
}


type Item<T> = vscode.QuickPickItem & { value: T };
type Step = 'template' | 'engine' | 'model' | 'gpus' | 'workerGpus' | 'port' | 'proxy' | 'prometheus' | 'where' | 'subfolder';

interface Draft {
  template?: TemplateChoice;
  engine?: EngineChoice;
  model?: string;
  gpuText?: string;
  /** Production: GPUs per worker. */
  workerGpuText?: string;
  portText?: string;
  proxy?: boolean;
  prometheus?: boolean;
  /** The workspace folder picked at "where", and whether the stack goes into a subfolder of it (typed next). */
  where?: { folder: vscode.WorkspaceFolder; sub: boolean };
  subfolder?: string;
}

/**
 * The steps for what is answered so far: the production template has its engine (vLLM), gateway and Prometheus
 * already, and asks how the GPUs split into workers; Prometheus only for engines with metrics; the subfolder only
 * when asked for.
 */
function stepsFor(d: Draft): Step[] {
  const where: Step[] = ['where', ...(d.where && !d.where.sub ? [] : ['subfolder' as const])];
  if (d.template?.id === 'production') return ['template', 'model', 'gpus', 'workerGpus', 'port', ...where];
  return ['template', 'engine', 'model', 'gpus', 'port', 'proxy', ...(d.engine && !d.engine.hasMetrics ? [] : ['prometheus' as const]), ...where];
}

/** The engine the later questions are about: vLLM for the production template. */
function engineOf(d: Draft): EngineChoice {
  return d.template?.id === 'production' ? engineChoice(PRODUCTION_ENGINE)! : (d.engine ?? ENGINE_CHOICES[0]!);
}

function yesNo(place: StepPlace, yes: string, no: string, placeholder: string, current: boolean | undefined): Promise<StepAnswer<Item<boolean>>> {
  const items: Item<boolean>[] = [
    { label: 'Yes', detail: yes, value: true },
    { label: 'No', detail: no, value: false },
  ];
  return pickStep(place, items, { placeholder, ...(current !== undefined ? { active: items[current ? 0 : 1]! } : {}) });
}

/**
 * Asks one step; the draft gets its answer. BACK goes to the step before, undefined (Escape) ends the wizard. The
 * step counter ("3/8") and the Back button are VS Code's.
 */
async function askStep(step: Step, place: StepPlace, d: Draft, folders: readonly vscode.WorkspaceFolder[]): Promise<StepAnswer<true>> {
  const engine = engineOf(d);
  const template = d.template?.id ?? 'single';
  const done = <T>(a: StepAnswer<T>, set: (v: T) => void): StepAnswer<true> => {
    if (a === BACK) return BACK;
    if (a === undefined) return undefined;
    set(a as T);
    return true;
  };
  switch (step) {
    case 'template': {
      const items: Item<TemplateChoice>[] = TEMPLATE_CHOICES.map((choice) => ({ label: choice.label, detail: choice.detail, value: choice }));
      return done(await pickStep({ ...place, title: `${TITLE}: template` }, items, { placeholder: 'Which kind of stack?', ...(d.template ? { active: items.find((i) => i.value === d.template)! } : {}) }), (i) => {
        // Another template: the engine may change with it, and the answers that depend on the engine start again.
        if (i.value !== d.template) Object.assign(d, { engine: undefined, model: undefined, gpuText: undefined, workerGpuText: undefined, portText: undefined, prometheus: undefined });
        d.template = i.value;
      });
    }
    case 'engine': {
      const items: Item<EngineChoice>[] = ENGINE_CHOICES.map((choice) => ({ label: choice.label, description: choice.description, detail: choice.detail, value: choice }));
      return done(await pickStep({ ...place, title: `${TITLE}: engine` }, items, { placeholder: 'Which inference server?', matchOnDescription: true, ...(d.engine ? { active: items.find((i) => i.value === d.engine)! } : {}) }), (i) => {
        // Another engine: the answers that depend on it start again from its defaults.
        if (i.value !== d.engine) Object.assign(d, { model: undefined, gpuText: undefined, workerGpuText: undefined, portText: undefined, prometheus: undefined });
        d.engine = i.value;
      });
    }
    case 'model':
      return done(await inputStep({ ...place, title: `${TITLE}: model` }, { prompt: engine.modelPrompt, value: d.model ?? engine.defaultModel, validate: (v) => validateModel(engine.id, v.trim()) }), (v) => (d.model = v.trim()));
    case 'gpus':
      return done(
        await inputStep({ ...place, title: `${TITLE}: GPU count` }, {
          prompt: engine.supportsCpu ? 'NVIDIA GPUs to reserve (0: CPU only)' : 'NVIDIA GPUs to reserve (the model is split across them)',
          value: d.gpuText ?? (engine.supportsCpu ? '0' : '1'),
          validate: (v) => validateGpuText(engine, v),
        }),
        (v) => (d.gpuText = v),
      );
    case 'workerGpus':
      return done(
        await inputStep({ ...place, title: `${TITLE}: GPUs per worker` }, {
          prompt: `GPUs of each vLLM worker (its tensor-parallel size): the ${d.gpuText ?? ''} GPUs split into one worker per group`,
          value: d.workerGpuText ?? '1',
          validate: (v) => validateWorkerGpuText(d.gpuText, v),
        }),
        (v) => (d.workerGpuText = v),
      );
    case 'port':
      return done(
        await inputStep({ ...place, title: `${TITLE}: port` }, {
          prompt:
            template === 'production'
              ? "Host port of the API (the gateway's)"
              : d.prometheus
                ? `Host port of the API (the proxy's when there is one; ${PROMETHEUS_PORT} is Prometheus's)`
                : "Host port of the API (the proxy's when there is one)",
          value: d.portText ?? String(engine.defaultPort),
          validate: (v) => validatePortText(v, template, !!d.prometheus),
        }),
        (v) => (d.portText = v),
      );
    case 'proxy':
      return done(await yesNo({ ...place, title: `${TITLE}: proxy` }, 'nginx in front of the model, started once the model is healthy', 'the model server publishes the port itself', 'Add an nginx proxy?', d.proxy), (i) => (d.proxy = i.value));
    case 'prometheus':
      return done(await yesNo({ ...place, title: `${TITLE}: Prometheus` }, `Prometheus on port ${PROMETHEUS_PORT}, scraping ${engine.label}'s /metrics`, 'no metrics collection', 'Add Prometheus?', d.prometheus), (i) => (d.prometheus = i.value));
    case 'where': {
      // A subfolder first: a stack of its own folder is a Compose project of its own, named after it.
      const items: Item<{ folder: vscode.WorkspaceFolder; sub: boolean }>[] = folders.flatMap((folder) => [
        { label: `$(new-folder) A subfolder of ${folder.name}…`, description: 'type its name', value: { folder, sub: true } },
        { label: `$(folder) ${folder.name}`, description: 'the workspace folder itself', value: { folder, sub: false } },
      ]);
      return done(await pickStep({ ...place, title: `${TITLE}: where to write the files` }, items, { placeholder: 'compose.yaml, .env.example, probe.py and the configs go here' }), (i) => (d.where = i.value));
    }
    case 'subfolder':
      return done(
        await inputStep({ ...place, title: `${TITLE}: subfolder of ${d.where?.folder.name ?? ''}` }, { prompt: 'Folder name (created if missing). Compose names the project after it.', value: d.subfolder ?? `${engine.id}-${template === 'production' ? 'production' : 'stack'}`, validate: validateSubfolder }),
        (v) => (d.subfolder = v),
      );
  }
}

/** The wizard's answers and the folder to write into, or undefined when the person cancelled. */
async function askAnswers(): Promise<{ engine: EngineChoice; answers: NewStackAnswers; folder: vscode.Uri } | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const d: Draft = {};
  let i = 0;
  for (;;) {
    // No folder open: the folder is picked in the open dialog after the questions.
    const steps = stepsFor(d).filter((s) => folders.length > 0 || (s !== 'where' && s !== 'subfolder'));
    if (i >= steps.length) break;
    const step = steps[i]!;
    const answer = await askStep(step, { title: TITLE, step: i + 1, totalSteps: steps.length }, d, folders);
    if (answer === undefined) return undefined;
    if (answer === BACK) {
      i = Math.max(0, i - 1);
      continue;
    }
    // Prometheus takes its port: back to the port question, which now says so.
    if (step === 'prometheus' && d.prometheus && validatePortText(d.portText ?? '', 'single', true)) {
      i = steps.indexOf('port');
      continue;
    }
    i++;
  }
  const engine = engineOf(d);
  let folder: vscode.Uri | undefined;
  if (!d.where) {
    const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Write the stack here', title: TITLE });
    folder = picked?.[0];
  } else if (d.where.sub) {
    const parts = (d.subfolder ?? '').trim().replace(/\\/g, '/').replace(/\/+$/, '').split('/');
    folder = vscode.Uri.joinPath(d.where.folder.uri, ...parts);
  } else folder = d.where.folder.uri;
  if (!folder) return undefined;
  const common = {
    engine: engine.id,
    model: d.model!,
    gpuCount: wholeNumber(d.gpuText ?? '') ?? Number.NaN,
    port: wholeNumber(d.portText ?? '') ?? Number.NaN,
    // Docker refuses a CPU limit above the host's core count.
    cpus: Math.max(1, Math.min(8, os.cpus().length)),
  };
  const answers: NewStackAnswers =
    d.template?.id === 'production'
      ? { ...common, template: 'production', gpusPerWorker: wholeNumber(d.workerGpuText ?? '') ?? Number.NaN }
      : { ...common, proxy: !!d.proxy, prometheus: !!d.prometheus };
  return { engine, answers, folder };
}

/** Runs the wizard; the path of the compose.yaml it wrote, or undefined when nothing was written. */
export async function newStack(): Promise<string | undefined> {
  const asked = await askAnswers();
  if (!asked) return undefined;
  const { answers, folder } = asked;
  const errors = validateAnswers(answers);
  if (errors.length) {
    void showError(`Inference Stack: cannot write the stack: ${errors.join(' ')}`);
    return undefined;
  }
  let files: StackFile[];
  try {
    files = newStackFiles(answers);
  } catch (err) {
    void showError(`Inference Stack: ${(err as Error).message}`);
    return undefined;
  }

  const uriOf = (f: StackFile): vscode.Uri => vscode.Uri.joinPath(folder, ...f.path.split('/'));
  const existing: string[] = [];
  for (const f of files) if (await uriExists(uriOf(f))) existing.push(f.path);
  if (existing.length) {
    const where = displayName(folder);
    const choice = await showWarning(
      `${existing.length === 1 ? `${existing[0]} exists` : `${existing.length} files exist`} in ${where}. Overwrite?`,
      { modal: true, detail: `These files would be replaced:\n${existing.map((p) => `  ${p}`).join('\n')}` },
      'Overwrite',
    );
    if (choice !== 'Overwrite') return undefined;
  }

  // Inside the workspace folder (or the folder picked when none is open): a symlinked subfolder or file that leads
  // out of it is refused, and the person told which.
  const root = workspaceRootOf(folder.fsPath) ?? folder.fsPath;
  try {
    if (!writeWorkspaceFiles(files.map((f) => ({ path: uriOf(f).fsPath, text: f.content })), root)) return undefined;
  } catch (err) {
    void showError(`Inference Stack: could not write the stack into ${folder.fsPath}: ${(err as Error).message}`);
    return undefined;
  }

  const compose = files.find((f) => f.path === 'compose.yaml');
  if (compose) await vscode.window.showTextDocument(uriOf(compose), { preview: false });
  const production = answers.template === 'production';
  void showInfo(
    `Wrote ${files.map((f) => f.path).join(', ')} into ${displayName(folder)}. Copy .env.example to .env${production ? ' and fill in its passwords' : ''}, ` +
      `then run "Start Inference Stack": it starts this stack.${production ? ' README.md lists each service and its port.' : ''}`,
  );
  return compose ? uriOf(compose).fsPath : undefined;
}
