/**
 * `inference-stack config`: the project as `docker compose config` prints it, loaded the way Compose loads it
 * (compose/project): the files named with `-f`, else COMPOSE_FILE, else the folder's compose.yaml and its override;
 * the `.env`, `--env-file`, profiles, `include`, `extends`, `!reset`/`!override`. A project Compose would refuse
 * exits 1 with compose-go's message.
 */
import { stringify } from 'yaml';
import type { ReadBoundary } from '../core/boundedFile';
import { boundedReader, ComposeError, composeConfig, loadProject, type ProjectInput } from '../compose/project';
import { argItems, choice, UsageError } from './args';

const USAGE = `Usage: inference-stack config [options]

Prints the Compose project of the current folder as \`docker compose config\` does: its files merged (overrides,
include, extends, !reset/!override), variables substituted, short forms written out.

Options:
  -f, --file FILE              a Compose file (repeatable, merged in order); default: COMPOSE_FILE, else
                               compose.yaml (or compose.yml, docker-compose.yml, docker-compose.yaml) and its
                               override file
  --env-file FILE              an env file (repeatable); default: the project folder's .env
  --profile NAME               enable a profile (repeatable); default: COMPOSE_PROFILES
  --project-directory DIR      the project's working directory (default: the folder of the first file)
  -p, --project-name NAME      the project name
  --format json|yaml           output format (default yaml)
  --allow-outside-project      also read files outside the current folder
  -h, --help                   this help

Exit status: 0 printed, 1 Compose would refuse the project (its message on stderr), 2 usage error.
`;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}


interface ConfigArgs {
  input: Omit<ProjectInput, 'cwd' | 'environment'> & { files: string[]; envFiles: string[]; profiles: string[] };
  format: 'json' | 'yaml';
  allowOutsideProject: boolean;
}

function parseArgs(argv: readonly string[]): ConfigArgs | 'help' {
  const args: ConfigArgs = { input: { files: [], envFiles: [], profiles: [] }, format: 'yaml', allowOutsideProject: false };
  for (const { arg, flag, value: take } of argItems(argv)) {
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '-f':
      case '--file':
        args.input.files.push(take());
        break;
      case '--env-file':
        args.input.envFiles.push(take());
        break;
      case '--profile':
        args.input.profiles.push(take());
        break;
      case '--project-directory':
        args.input.projectDirectory = take();
        break;
      case '-p':
      case '--project-name':
        args.input.projectName = take();
        break;
      case '--format':
        args.format = choice(flag, take(), ['json', 'yaml'] as const);
        break;
      case '--allow-outside-project':
        args.allowOutsideProject = true;
        break;
      default:
        throw new UsageError(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    }
  }
  return args;
}

/** Runs `config`; returns the exit status. */
export function runConfig(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): number {
  let args: ConfigArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`inference-stack: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const boundary: ReadBoundary = { root: args.allowOutsideProject ? undefined : cwd, rootLabel: 'the project folder' };
  const environment = new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  try {
    const project = loadProject({ ...args.input, cwd, environment }, boundedReader(boundary));
    for (const warning of project.warnings) io.stderr(`WARN ${warning}\n`);
    const config = composeConfig(project);
    io.stdout(args.format === 'json' ? JSON.stringify(config, null, 2) + '\n' : stringify(config, { lineWidth: 0 }));
    return 0;
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    const outside = /not read: outside/.test(err.message) ? ' (pass --allow-outside-project to read it)' : '';
    io.stderr(`${err.message}${outside}\n`);
    return 1;
  }
}
