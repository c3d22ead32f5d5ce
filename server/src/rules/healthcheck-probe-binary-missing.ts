import { Add, Copy, Healthcheck, Instruction, Run } from 'dockerfile-ast';
import type { ComposeFile } from '../compose/composeFile';
import { replaceEntry } from '../compose/edits';
import { flowList, probeFor, readHealthcheck, type HealthcheckView } from '../compose/healthcheck';
import type { ServiceInfo } from '../compose/service';
import type { ValueView } from '../compose/yamlView';
import { composeHealthcheckCommand, dockerHealthcheckCommand, type HealthcheckCommand } from '../core/healthcheckCommand';
import { argvProgram, basename, scriptProgram, type ProbeProgram } from '../core/probeProgram';
import type { SpanEdit, SpanFix } from '../core/types';
import { shippedStages, spanOfRange } from '../dockerfile/dockerfileModel';
import { shippedBaseImage } from '../dockerfile/imageEngine';
import { engineForImage, parseImageRef, type EngineSpec } from '../engines/engines';
import type { Rule } from './rule';

/**
 * A healthcheck that runs a program the image does not have (curl in the Ollama image): it fails every time, so
 * the container never becomes healthy and `depends_on: service_healthy` waits forever. Said only where a fact says
 * the program is missing (EngineSpec.imageTools) and the container is the engine's own image: a `build:`, a
 * Dockerfile RUN that installs packages or a command that does may bring the program.
 */
export const rule: Rule = {
  meta: {
    id: 'healthcheck-probe-binary-missing',
    defaultSeverity: 'warning',
    title: 'Healthcheck runs a program the image does not have',
    appliesTo: ['compose', 'dockerfile'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      const hc = readHealthcheck(info);
      const image = info.resolvedImage;
      // A `build:` makes its own image, which may install anything.
      if (info.build || !image || !hc?.test || hc.disabled) continue;
      const engine = engineForImage(image);
      const program = composeProgram(hc.test);
      const missing = engine && program && missingTool(engine, image, program);
      if (!engine || !program || !missing || mayBring(startText(ctx.file, info), missing.name)) continue;
      const port = urlPort(program);
      const probe = port !== undefined ? engine.healthTest(port) : info.engine === engine ? probeFor(info, ctx.file.dotEnv)! : engine.healthTest(engine.defaultPort);
      const usable = !isMissing(engine, image, probe[1]!);
      ctx.report({
        span: hc.test.at,
        message: message(`The healthcheck of service "${info.service.name}"`, engine, missing, program, usable ? probe : undefined),
        fixes: usable ? fixesOf(replaceTest(ctx.file, hc, probe), probe) : [],
      });
    }
  },
  dockerfile(ctx) {
    const stages = shippedStages(ctx.model);
    const image = shippedBaseImage(ctx.model);
    const engine = image === undefined ? undefined : engineForImage(image);
    const instructions = stages.flatMap((s) => s.instructions);
    const healthcheck = instructions.filter((i): i is Healthcheck => i instanceof Healthcheck).pop();
    if (!engine || !image || !healthcheck || healthcheck.getSubcommand()?.getValue().toUpperCase() !== 'CMD') return;
    const args = healthcheck.getArguments();
    const first = args[1];
    const last = args[args.length - 1];
    if (!first || !last) return;
    const span = { start: spanOfRange(ctx.model, first.getRange()).start, end: spanOfRange(ctx.model, last.getRange()).end };
    const program = dockerfileProgram(ctx.model.text.slice(span.start, span.end));
    const missing = program && missingTool(engine, image, program);
    if (!program || !missing || instructions.some((i) => bringsProgram(i, missing.name))) return;
    const probe = engine.healthTest(urlPort(program) ?? engine.defaultPort);
    const usable = !isMissing(engine, image, probe[1]!);
    ctx.report({
      span,
      message: message(`The HEALTHCHECK of this image (FROM ${image})`, engine, missing, program, usable ? probe : undefined),
      fixes: usable ? fixesOf({ span, newText: flowList(probe.slice(1)) }, probe) : [],
    });
  },
};

interface Missing {
  /** The program as the check names it (`curl`, `python`). */
  name: string;
  source: string;
}

/** The imageTools entry for the image's tag (`latest` when it has none). */
function toolsOf(engine: EngineSpec, image: string): EngineSpec['imageTools'][number] | undefined {
  const tag = parseImageRef(image).tag ?? 'latest';
  return engine.imageTools.find((t) => !t.tags || t.tags.test(tag));
}

/** `python` and `python3.12` are missing for sure only where python3 is: then there is no Python at all. */
function toolOf(name: string): 'curl' | 'wget' | 'python3' | undefined {
  if (name === 'curl' || name === 'wget') return name;
  return /^python(3(\.\d+)?)?$/.test(name) ? 'python3' : undefined;
}

function isMissing(engine: EngineSpec, image: string, word: string): boolean {
  const tool = toolOf(basename(word));
  return tool !== undefined && toolsOf(engine, image)?.[tool] === false;
}

function missingTool(engine: EngineSpec, image: string, program: ProbeProgram): Missing | undefined {
  const source = toolsOf(engine, image)?.source;
  return source !== undefined && isMissing(engine, image, program.word) ? { name: basename(program.word), source } : undefined;
}

function message(whose: string, engine: EngineSpec, missing: Missing, program: ProbeProgram, probe: string[] | undefined): string {
  const error = program.shell ? `sh: ${missing.name}: not found` : `exec: "${missing.name}": executable file not found in $PATH`;
  const how = probe
    ? `${engine.name}'s own probe works inside it: \`${probe.slice(1).join(' ')}\`.`
    : 'Probe with a program the image has, or build an image that installs it.';
  return (
    `${whose} runs ${missing.name}, which ${engine.name}'s image does not have (${missing.source}): every check fails with ` +
    `\`${error}\`, so the container never becomes healthy and whatever waits for it with \`condition: service_healthy\` never starts. ${how}`
  );
}

function fixesOf(edit: SpanEdit | undefined, probe: string[]): SpanFix[] {
  return edit ? [{ title: `Probe with \`${probe.slice(1).join(' ')}\``, preferred: true, edits: [edit] }] : [];
}

/** The `test:` line rewritten as the engine's probe, in the flow list every healthcheck fix writes. */
function replaceTest(file: ComposeFile, hc: HealthcheckView, probe: string[]): SpanEdit | undefined {
  const entry = hc.map?.get('test');
  return hc.map && !hc.map.isFlow && entry ? replaceEntry(file, entry, [`test: ${flowList(probe)}`]) : undefined;
}

/** `test: [CMD, ...]`, `test: [CMD-SHELL, "..."]` or `test: "..."` (a shell string). */
function composeProgram(test: ValueView): ProbeProgram | undefined {
  const items = test.asSeq()?.items().map((i) => ({ text: i.text, at: i }));
  if (items?.some((i) => i.text === undefined)) return undefined;
  return programOf(composeHealthcheckCommand(test.text, items, test));
}

/** A Dockerfile `HEALTHCHECK CMD` in exec form (`["curl", ...]`) or shell form (`curl ...`, continuations joined). */
function dockerfileProgram(text: string): ProbeProgram | undefined {
  return programOf(dockerHealthcheckCommand(text.startsWith('[') ? text : text.replace(/\\\r?\n/g, ' ')));
}

function programOf<T>(command: HealthcheckCommand<T> | undefined): ProbeProgram | undefined {
  if (!command) return undefined;
  return command.kind === 'script' ? scriptProgram(command.script) : argvProgram(command.argv);
}

/** The port of a local or named URL in the check (`http://localhost:8080/health`), for the probe that replaces it. */
function urlPort(program: ProbeProgram): number | undefined {
  const m = /(?:https?:\/\/[\w.-]+|\blocalhost|\b127\.0\.0\.1|\b0\.0\.0\.0|\[::1\]):(\d{1,5})\b/.exec(program.args.join(' '));
  return m ? Number(m[1]) : undefined;
}

/**
 * Installing packages (or a .deb), in a RUN or a container's own command, or running a script we cannot read: the
 * program may come with them.
 */
const PACKAGE_MANAGER = /\b(apt-get|apt|apk|yum|dnf|microdnf|zypper|pip3?|conda|mamba|micromamba)\b/;
const INSTALL_VERB = /\b(install|add)\b/;
const DEB_OR_SCRIPT = /\bdpkg\s+-i|\.sh\b/;

/**
 * A package manager and an install verb in one simple command. Tested per command (two linear patterns), not as
 * one `manager[^;&|]*verb` pattern, which backtracks quadratically on long lines of manager names.
 */
function installs(text: string): boolean {
  return DEB_OR_SCRIPT.test(text) || text.split(/[;&|\n]/).some((cmd) => PACKAGE_MANAGER.test(cmd) && INSTALL_VERB.test(cmd));
}

/** A package install or a script, or the program named (downloaded, copied, mounted): it may be there after all. */
function mayBring(text: string, name: string): boolean {
  const python = toolOf(name) === 'python3';
  return installs(text) || mentions(text, python ? 'python' : name, python);
}

const WORD_CHAR = /[\w.-]/;

/** `stem` as a whole word of `text` (with a version after it, `python3.11`, when `versioned`): no pattern built from it. */
function mentions(text: string, stem: string, versioned: boolean): boolean {
  for (let i = text.indexOf(stem); i >= 0; i = text.indexOf(stem, i + 1)) {
    let end = i + stem.length;
    if (versioned) while (end < text.length && /[0-9.]/.test(text[end]!)) end++;
    if (!WORD_CHAR.test(text[i - 1] ?? '') && !WORD_CHAR.test(text[end] ?? '')) return true;
  }
  return false;
}

/** What the service runs and mounts, as written: `entrypoint`, `command`, `volumes` and `post_start` hooks. */
function startText(file: ComposeFile, info: ServiceInfo): string {
  return ['entrypoint', 'command', 'volumes', 'post_start']
    .map((key) => info.service.map.get(key)?.value.at)
    .map((at) => (at ? file.text.slice(at.start, at.end) : ''))
    .join('\n');
}

/** A RUN that installs packages or names the program, a COPY or ADD that may put it (or a bin folder) in the image. */
function bringsProgram(instruction: Instruction, name: string): boolean {
  const text = instruction.getTextContent();
  if (instruction instanceof Run) return mayBring(text.replace(/\\\r?\n/g, ' '), name);
  if (instruction instanceof Copy || instruction instanceof Add) return instruction instanceof Add || /--from\b|\bbin\b/.test(text) || mayBring(text, name);
  return false;
}
