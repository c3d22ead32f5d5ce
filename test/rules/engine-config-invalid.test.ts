import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IncrementalCompose } from '../../server/src/analysis/incrementalCompose';
import { buildContextsFrom } from '../../server/src/compose/build';
import type { AnalysisOptions } from '../../server/src/core/analysisOptions';
import { fileBuildContexts } from '../../server/src/dockerfile/buildContextFiles';
import { dockerfile, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'engine-config-invalid';

/** A vLLM service that reads `/config/vllm.yaml`, bind-mounted from the project folder. */
const mounted = (image = 'vllm/vllm-openai:latest') => yaml`
  services:
    vllm:
      image: ${image}
      command: Qwen/Qwen3-0.6B --config /config/vllm.yaml
      volumes:
        - ./vllm.yaml:/config/vllm.yaml:ro
`;

const withFile = (text: string, path = 'vllm.yaml'): AnalysisOptions => ({ buildContexts: buildContextsFrom({ [path]: text }) });

describe(RULE, () => {
  for (const [name, eol] of [['LF', (t: string) => t], ['CRLF', toCrlf]] as const) {
    it(`reports a --config file that is not .yaml / .yml, with vLLM's own error (${name})`, () => {
      const text = eol(yaml`
        services:
          vllm:
            image: vllm/vllm-openai:v0.11.0
            command: ["Qwen/Qwen3-0.6B", "--config", "/config/vllm.json"]
          other:
            image: vllm/vllm-openai:v0.11.0
            command: Qwen/Qwen3-0.6B --config /config/vllm.toml
      `);
      const found = findingsOf(RULE, text);
      assert.deepEqual(found.map((f) => rangeText(text, f)), ['"/config/vllm.json"', '/config/vllm.toml']);
      assert.equal(found[0]!.severity, 'error');
      assert.match(found[0]!.message, /YAML file only \(`\.yaml` or `\.yml`\): it exits at start-up with "Config file must be of a yaml\/yml type\. json supplied"/);
      assert.match(found[1]!.message, /toml supplied/);
      assert.deepEqual(found[0]!.fixes, []);
    });
  }

  it('compares the text after the last `.` as vLLM does: case counts, a path with no extension is refused whole', () => {
    const text = yaml`
      services:
        a:
          image: vllm/vllm-openai:latest
          command: --config /cfg/VLLM.YAML
        b:
          image: vllm/vllm-openai:latest
          command: --config /cfg/vllm
        c:
          image: vllm/vllm-openai:latest
          command: --config /cfg/vllm.yml
        d:
          image: vllm/vllm-openai:latest
          command: --config /cfg/vllm.yaml
    `;
    assert.deepEqual(findingsOf(RULE, text).map((f) => f.message.match(/"(.*)"/)![1]), [
      'Config file must be of a yaml/yml type. YAML supplied',
      'Config file must be of a yaml/yml type. /cfg/vllm supplied',
    ]);
  });

  it('reads a Dockerfile CMD after the image entrypoint, and `vllm serve` in a script', () => {
    const text = dockerfile`
      FROM vllm/vllm-openai:v0.11.0
      CMD ["Qwen/Qwen3-0.6B", "--config", "/etc/vllm/config.json"]
    `;
    const [f] = findingsOf(RULE, text, 'dockerfile');
    assert.equal(rangeText(text, f!), '"/etc/vllm/config.json"');
    assert.match(f!.message, /json supplied/);
    const script = dockerfile`
      FROM python:3.12
      CMD vllm serve Qwen/Qwen3-0.6B --config conf.toml && echo done
    `;
    assert.match(findingsOf(RULE, script, 'dockerfile')[0]!.message, /toml supplied/);
  });

  it('reports --config twice or with no file, and --config=FILE, which vLLM never loads', () => {
    const text = yaml`
      services:
        twice:
          image: vllm/vllm-openai:latest
          command: Qwen/Qwen3-0.6B --config /a.yaml --config /b.yaml
        last:
          image: vllm/vllm-openai:latest
          command: Qwen/Qwen3-0.6B --config
        inline:
          image: vllm/vllm-openai:latest
          command: Qwen/Qwen3-0.6B --config=/config/vllm.yaml
    `;
    const found = findingsOf(RULE, text);
    assert.deepEqual(found.map((f) => [rangeText(text, f), f.severity]), [['--config', 'error'], ['--config', 'error'], ['--config=/config/vllm.yaml', 'warning']]);
    assert.match(found[0]!.message, /appears 2 times: .*"More than one config file specified!"/);
    assert.match(found[1]!.message, /"No config file specified! Please check your command-line arguments\."/);
    assert.match(found[2]!.message, /none of the file's options apply\. Write `--config` and the path as two words/);
  });

  it('judges each key of the bind-mounted file as the flag vLLM makes of it, at the --config value', () => {
    const config = yaml`
      max_model_len: 8192
      max_modle_len: 4096
      tensor-parallel-size: 2
      enable-prefix-caching: true
      no-such-switch: false
      no-such-list: []
      no-such-off: off
      compilation-config:
        level: 3
      compilation-config.cudagraph_mode: FULL
      served-model-name: [a, b]
    `;
    const text = mounted();
    const found = findingsOf(RULE, text, 'compose', withFile(config));
    assert.deepEqual(found.map((f) => rangeText(text, f)), ['/config/vllm.yaml']);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(
      found[0]!.message,
      '`./vllm.yaml` line 2 sets `max_modle_len`: vLLM has no flag `--max_modle_len` and exits at start-up with "unrecognized arguments". Did you mean `max-model-len`?',
    );
  });

  it('maps the container path back through the deepest bind mount: a folder, the long syntax', () => {
    const folder = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:latest
          command: ["--config", "/srv/conf/prod/vllm.yml"]
          volumes:
            - ./other:/srv
            - type: bind
              source: ./deploy/conf
              target: /srv/conf
    `;
    const [f] = findingsOf(RULE, folder, 'compose', withFile('modell: Qwen/Qwen3-0.6B\n', 'deploy/conf/prod/vllm.yml'));
    assert.match(f!.message, /^`\.\/deploy\/conf\/prod\/vllm\.yml` line 1 sets `modell`: vLLM has no flag `--modell`.*Did you mean `model`\?/);
  });

  it('is silent when the file cannot be read: not mounted, a named volume, a relative path, missing, a variable', () => {
    const bad = withFile('no-such-flag: 1\n');
    const cases = [
      mounted().replace('./vllm.yaml:/config/vllm.yaml:ro', './models:/models'),
      mounted().replace('./vllm.yaml:/config/vllm.yaml:ro', 'vllmconf:/config'),
      mounted().replace('--config /config/vllm.yaml', '--config vllm.yaml'),
      mounted().replace('--config /config/vllm.yaml', '--config ${CONFIG}'),
      mounted().replace('./vllm.yaml:', '~/vllm.yaml:'),
    ];
    for (const text of cases) assert.deepEqual(findingsOf(RULE, text, 'compose', bad), [], text);
    assert.deepEqual(findingsOf(RULE, mounted(), 'compose', withFile('no-such-flag: 1\n', 'elsewhere.yaml')), []);
    assert.deepEqual(findingsOf(RULE, mounted()), []);
  });

  it("is about vLLM only: SGLang's --config is its own", () => {
    const text = yaml`
      services:
        sglang:
          image: lmsysorg/sglang:latest
          command: python3 -m sglang.launch_server --config /c/sglang.json
    `;
    assert.deepEqual(findingsOf(RULE, text), []);
  });

  it('follows the pinned release: a warning for an older image, silence for a tag that names none', () => {
    const config = 'max_modle_len: 4096\n';
    const [older] = findingsOf(RULE, mounted('vllm/vllm-openai:v0.8.0'), 'compose', withFile(config));
    assert.equal(older!.severity, 'warning');
    assert.match(older!.message, /It may still exist in vLLM 0\.8\.0, the pinned image/);
    assert.deepEqual(findingsOf(RULE, mounted('vllm/vllm-openai:gptoss'), 'compose', withFile(config)), []);
  });

  it('reports a file vLLM cannot read as options: invalid YAML, a list at the top', () => {
    const [invalid] = findingsOf(RULE, mounted(), 'compose', withFile('port: 8000\n  bad: [\n'));
    assert.match(invalid!.message, /^`\.\/vllm\.yaml` is not valid YAML \(line \d+: .*\): vLLM cannot read it and exits at start-up\.$/);
    const [list] = findingsOf(RULE, mounted(), 'compose', withFile('- --port\n- "8000"\n'));
    assert.match(list!.message, /holds no `key: value` options/);
  });

  it('reads the file from disk only inside the workspace (the real reader)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-invalid-'));
    try {
      const root = join(dir, 'ws');
      mkdirSync(root);
      writeFileSync(join(dir, 'outside.yaml'), 'no-such-flag: 1\n');
      symlinkSync(join(dir, 'outside.yaml'), join(root, 'vllm.yaml'));
      const options: AnalysisOptions = { buildContexts: fileBuildContexts(root, { root }) };
      assert.deepEqual(findingsOf(RULE, mounted(), 'compose', options), []);
      assert.deepEqual(findingsOf(RULE, mounted().replace('./vllm.yaml:', '../outside.yaml:'), 'compose', options), []);
      rmSync(join(root, 'vllm.yaml'));
      writeFileSync(join(root, 'vllm.yaml'), 'no-such-flag: 1\n');
      assert.match(findingsOf(RULE, mounted(), 'compose', options)[0]!.message, /sets `no-such-flag`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an incremental analysis starts over when the file reads differently', () => {
    const text = mounted() + yaml`
      web:
        image: nginx:1.27
    `.replace(/^/gm, '  ');
    const state = IncrementalCompose.create(text, withFile('no-such-flag: 1\n'));
    assert.equal(state.findings.filter((f) => f.rule === RULE).length, 1);
    assert.equal(state.update(text.replace('nginx:1.27', 'nginx:1.28'), withFile('no-such-flag: 1\n')), true);
    assert.equal(state.update(text, withFile('port: 8000\n')), false);
  });
});
