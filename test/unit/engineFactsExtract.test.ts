/**
 * The readers behind scripts/engine-facts/extract-tgi.mjs and extract-tei.mjs (clap derive structs, clap --help
 * text, Dockerfiles, entrypoint scripts, env reads), on small inputs written here; and the committed
 * tgi-flags.json / tei-flags.json carry what the rules rely on. The upstream snapshots themselves are not in the
 * repository: rerun the scripts with --check against one to see that the JSON is current.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../corpus/invariants';

/** An extract library module (plain JavaScript, so untyped here). */
const lib = async (name: string): Promise<any> => import(pathToFileURL(join(REPO_ROOT, 'scripts', 'engine-facts', 'lib', name)).href);

const ARGS = `
use clap::Parser;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Dtype {
    Float16,
    #[clap(name = "bfloat16")]
    BFloat16,
    /// Not offered
    #[clap(skip)]
    Hidden,
}

/// App Configuration
#[derive(Parser, Debug)]
#[clap(author, version, about, long_about = None)]
struct Args {
    /// The name of the model to load.
    /// Second line of the first paragraph.
    ///
    /// Second paragraph, with a comma: in it.
    #[clap(default_value = "bigscience/bloom-560m", long, env)]
    model_id: String,

    #[clap(long, env, value_enum)]
    trust_remote_code: bool,

    #[clap(long, env)]
    sharded: Option<bool>,

    #[clap(long, env, value_enum)]
    dtype: Option<Dtype>,

    // A plain comment is not a doc comment.
    #[clap(long, env, value_delimiter = ',')]
    cuda_graphs: Option<Vec<usize>>,

    #[clap(default_value = "3000", long, short, env)]
    port: u16,

    #[clap(default_value = "9000", long, short, env)]
    prometheus_port: u16,

    #[clap(long = "hf-home", env = "HF_HOME_X", hide = true, conflicts_with = "model_id")]
    home: Option<String>,

    #[clap(long, env, default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    auto_truncate: bool,

    #[clap(long)]
    required_thing: usize,
}
`;

describe('engine facts: clap derive structs', () => {
  it('gives each field the long, short, env, action and default clap_derive gives it', async () => {
    const { parseClapStruct, clapArgFacts, parseValueEnum } = await lib('clap.mjs');
    const parsed = parseClapStruct(ARGS, 'Args');
    const resolve = (t: string) => parseValueEnum(ARGS, t)?.values.map((v: { name: string }) => v.name) ?? null;
    const flags = new Map<string, Record<string, unknown>>(parsed.fields.map((f: unknown) => clapArgFacts(f, resolve)).map((f: Record<string, unknown>) => [f.flag as string, f]));
    assert.deepEqual([...flags.keys()], ['--model-id', '--trust-remote-code', '--sharded', '--dtype', '--cuda-graphs', '--port', '--prometheus-port', '--hf-home', '--auto-truncate', '--required-thing']);

    const model = flags.get('--model-id')!;
    assert.equal(model.env, 'MODEL_ID');
    assert.equal(model.default, 'bigscience/bloom-560m');
    assert.equal(model.required, false);
    assert.equal(model.help, 'The name of the model to load. Second line of the first paragraph.\n\nSecond paragraph, with a comma: in it.');

    const trust = flags.get('--trust-remote-code')!;
    assert.deepEqual([trust.action, trust.value, trust.default, trust.env], ['SetTrue', 'none', 'false', 'TRUST_REMOTE_CODE']);
    assert.deepEqual(trust.possible_values, ['true', 'false'], 'its env var parses with BoolValueParser');

    assert.deepEqual([flags.get('--sharded')!.value, flags.get('--sharded')!.possible_values], ['required', ['true', 'false']]);
    assert.deepEqual(flags.get('--dtype')!.possible_values, ['float16', 'bfloat16']);
    assert.deepEqual([flags.get('--cuda-graphs')!.action, flags.get('--cuda-graphs')!.value_delimiter, flags.get('--cuda-graphs')!.repeatable], ['Append', ',', true]);
    assert.deepEqual([flags.get('--port')!.short, flags.get('--prometheus-port')!.short], ['-p', '-p']);

    const home = flags.get('--hf-home')!;
    assert.deepEqual([home.env, home.hidden, home.conflicts_with], ['HF_HOME_X', true, ['--model-id']]);
    assert.deepEqual([flags.get('--auto-truncate')!.value, flags.get('--auto-truncate')!.default], ['optional', 'true']);
    assert.deepEqual([flags.get('--required-thing')!.required, flags.get('--required-thing')!.env], [true, null]);
  });

  it('names ValueEnum variants as heck kebab-cases them', async () => {
    const { toKebab, toScreamingSnake } = await lib('rust.mjs');
    assert.deepEqual(['BFloat16', 'BitsandbytesNf4', 'Fp8e4m3fn', 'HTTPServer', 'NoStack', 'CompressedTensors'].map(toKebab), ['b-float16', 'bitsandbytes-nf4', 'fp8e4m3fn', 'http-server', 'no-stack', 'compressed-tensors']);
    assert.equal(toScreamingSnake('max_batch_prefill_tokens'), 'MAX_BATCH_PREFILL_TOKENS');
  });

  it('reads clap --help text and reports where it and the source disagree', async () => {
    const { parseClapHelp, compareWithHelp } = await lib('clapHelp.mjs');
    const help = parseClapHelp(
      [
        '      --model-id <MODEL_ID>',
        '          The model',
        '          [env: MODEL_ID=]',
        '          [default: gpt2]',
        '  -p, --port <PORT>',
        '          [env: PORT=]',
        '      --dtype <DTYPE>',
        '          Possible values:',
        '          - float16: half',
        '          - bfloat16: brain',
        '',
        '          [env: DTYPE=]',
        '  -h, --help',
      ].join('\n'),
    );
    assert.deepEqual([...help.keys()], ['--model-id', '--port', '--dtype']);
    assert.deepEqual(help.get('--dtype').possibleValues, ['float16', 'bfloat16']);
    const diffs = compareWithHelp(
      [
        { flag: '--model-id', short: null, env: 'MODEL_ID', value: 'required', default: 'bigscience/bloom-560m', possible_values: null, hidden: false },
        { flag: '--port', short: '-p', env: 'PORT', value: 'required', default: '3000', possible_values: null, hidden: false },
        { flag: '--dtype', short: null, env: 'DTYPE', value: 'required', default: null, possible_values: ['float16', 'bfloat16'], hidden: false },
      ],
      help,
    );
    assert.deepEqual(diffs, ['--model-id: default "bigscience/bloom-560m" in the source, "gpt2" in the help text']);
  });
});

describe('engine facts: images', () => {
  const DOCKERFILE = [
    'ARG PLATFORM=cuda',
    'FROM ubuntu:22.04 AS base',
    'ARG SCOPED=1',
    'ENV HF_HOME=/data \\',
    '    PORT=80',
    'RUN apt-get update && apt-get install -y --no-install-recommends \\',
    '        curl \\',
    '        python3-minimal=3.10.6-1 \\',
    '    && rm -rf /var/lib/apt/lists/*',
    'CMD ["--json-output"]',
    'FROM base AS grpc',
    'ENTRYPOINT ["text-generation-launcher"]',
    'FROM base',
    'ENV SEEN=${SCOPED:-unset}',
    'COPY ./tgi-entrypoint.sh /tgi-entrypoint.sh',
    'ENTRYPOINT ["/tgi-entrypoint.sh"]',
  ].join('\n');

  it('follows the final stage through its parents: ENV inherited, ARG scoped to its stage, ENTRYPOINT resetting CMD', async () => {
    const { imageFacts } = await lib('dockerfile.mjs');
    const f = imageFacts(DOCKERFILE);
    assert.equal(f.base_image, 'ubuntu:22.04');
    assert.deepEqual(f.env, { HF_HOME: '/data', PORT: '80', SEEN: 'unset' });
    assert.deepEqual(f.entrypoint.argv, ['/tgi-entrypoint.sh']);
    assert.equal(f.cmd, null);
    assert.deepEqual(f.packages.map((p: { name: string }) => p.name), ['curl', 'python3-minimal']);
    const grpc = imageFacts(DOCKERFILE, { target: 'grpc' });
    assert.deepEqual(grpc.entrypoint.argv, ['text-generation-launcher']);
  });

  it('tells an entrypoint script that splits its arguments ($@) from one that passes them on ("$@")', async () => {
    const { entrypointScriptFacts } = await lib('entrypointScript.mjs');
    const tgi = entrypointScriptFacts('#!/bin/bash\nldconfig 2>/dev/null || echo x\nexec text-generation-launcher $@\n');
    assert.equal(tgi.args_word_split, true);
    assert.equal(tgi.launches[0].program, 'text-generation-launcher');
    const tei = entrypointScriptFacts('#!/bin/bash\nif ! command -v nvidia-smi &>/dev/null; then\n  exit 1\nfi\nexec text-embeddings-router "$@"\n');
    assert.equal(tei.args_word_split, false);
    const sagemaker = entrypointScriptFacts('#!/bin/bash\nexport MODEL_ID="${HF_MODEL_ID}"\ntext-generation-launcher --port 8080\n');
    assert.deepEqual(sagemaker.reads_env, ['HF_MODEL_ID']);
    assert.equal(sagemaker.launches[0].ignores_arguments, true);
  });
});

describe('engine facts: env vars read directly', () => {
  it('finds std::env::var with a literal, a bound name or a wrapping closure, and EnvFilter::try_from_env', async () => {
    const { rustEnvReads } = await lib('envReads.mjs');
    const text = [
      'fn a() { let t = std::env::var("HF_TOKEN").ok(); }',
      'fn b() {',
      '    let varname = "LOG_LEVEL";',
      '    let x = std::env::var(varname);',
      '    let hf = env::var("HF_HUB_ENABLE_HF_TRANSFER").unwrap_or("1".to_string());',
      '}',
      'fn c() {',
      '    let read_env_var = |key: &str, default: usize| -> usize {',
      '        env::var(key).ok().map_or(default, |v| v.parse::<usize>().unwrap())',
      '    };',
      '    let s: usize = read_env_var("PAD_SEQUENCE_TO_MULTIPLE_OF", 128);',
      '    }',
      'fn d() { let f = EnvFilter::try_from_env("RUST_FILTER"); let v = option_env!("BUILD_ONLY"); }',
    ].join('\n');
    const reads = rustEnvReads(text).map((r: { name: string; default?: string }) => `${r.name}${r.default !== undefined ? `=${r.default}` : ''}`);
    assert.deepEqual(reads, ['HF_TOKEN', 'LOG_LEVEL', 'HF_HUB_ENABLE_HF_TRANSFER=1', 'PAD_SEQUENCE_TO_MULTIPLE_OF=128', 'RUST_FILTER']);
  });

  it('finds os.getenv, os.environ.get, os.environ[...] and "X" in os.environ', async () => {
    const { pythonEnvReads } = await lib('envReads.mjs');
    const text = 'import os\nA = os.getenv("USE_FLASH_ATTENTION", "").lower()\nB = os.environ.get(\n    "PREFILL_CHUNKING", "1"\n)\nC = os.environ["ATTENTION"]\nif "CUDA_GRAPHS" in os.environ:\n    pass\n';
    const reads = pythonEnvReads(text).map((r: { name: string; default?: string }) => `${r.name}${r.default !== undefined ? `=${r.default}` : ''}`);
    assert.deepEqual(reads, ['USE_FLASH_ATTENTION=', 'PREFILL_CHUNKING=1', 'ATTENTION', 'CUDA_GRAPHS']);
  });
});

describe('engine facts: the committed TGI and TEI files', () => {
  const facts = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'server', 'src', 'engines', 'facts', name), 'utf8'));

  it('tgi-flags.json: launcher flags with clap env names, the -p collision, the splitting entrypoint, HF_HOME=/data', () => {
    const tgi = facts('tgi-flags.json');
    assert.equal(tgi.engine, 'tgi');
    const flag = (name: string) => tgi.flags.find((f: { flag: string }) => f.flag === name);
    assert.deepEqual([flag('--port').env, flag('--port').short, flag('--port').default], ['PORT', '-p', '3000']);
    assert.equal(flag('--num-shard').env, 'NUM_SHARD');
    assert.equal(flag('--trust-remote-code').takes_value, false);
    assert.deepEqual(tgi.short_collisions, [{ short: '-p', flags: ['--port', '--prometheus-port'], parses_as: '--port' }]);
    assert.equal(tgi.image.entrypoint_splits_words, true);
    assert.equal(tgi.image.env.HF_HOME, '/data');
    assert.equal(tgi.cache.paths[0], '/data/hub');
    for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HF_HUB_ENABLE_HF_TRANSFER', 'USE_FLASH_ATTENTION', 'LOG_LEVEL', 'MAX_IMAGE_FETCH_SIZE']) {
      assert.ok(tgi.env_vars.some((e: { name: string }) => e.name === name), `${name} is read`);
    }
    assert.deepEqual(tgi.cross_check.differences, []);
  });

  it('tei-flags.json: router flags, --model-id required, the CUDA entrypoint passes arguments on unsplit, HUGGINGFACE_HUB_CACHE=/data', () => {
    const tei = facts('tei-flags.json');
    assert.equal(tei.engine, 'tei');
    const flag = (name: string) => tei.flags.find((f: { flag: string }) => f.flag === name);
    assert.equal(flag('--model-id').required, true);
    assert.equal(flag('--huggingface-hub-cache').env, 'HUGGINGFACE_HUB_CACHE');
    assert.equal(tei.image.entrypoint_splits_words, false);
    assert.equal(tei.image.env.HUGGINGFACE_HUB_CACHE, '/data');
    assert.ok(tei.images.some((i: { name: string; env: Record<string, string> }) => i.name === 'turing' && i.env.USE_FLASH_ATTENTION === 'False'));
    assert.deepEqual(tei.cross_check.differences, []);
  });
});
