import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeInProject } from '../../server/src/analysis/projectAnalysis';
import { boundedReader } from '../../server/src/compose/project';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'compose-schema';

/** Each finding as `text under the range → message`, what a person sees hovering the squiggle. */
function seen(text: string, options = {}): string[] {
  return findingsOf(RULE, text, 'compose', options).map((f) => `${rangeText(text, f)} → ${f.message}`);
}

const typo = yaml`
  services:
    vllm:
      image: vllm/vllm-openai:v0.11.0
      # restart it when it crashes
      restarx: unless-stopped
`;

describe(RULE, () => {
  for (const [name, text] of [['LF', typo], ['CRLF', toCrlf(typo)]] as const) {
    it(`reports a misspelt service key at the key, with compose-go's schema behind it (${name})`, () => {
      const [f, ...rest] = findingsOf(RULE, text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 11 } });
      assert.equal(f!.message, '`restarx` is not a service attribute. Did you mean `restart`?');
      assert.equal(f!.fixes[0]!.title, 'Rename to restart');
    });

    it(`its fix renames the key, keeping the value and the comment (${name})`, () => {
      const fixed = assertFixResolves(RULE, text);
      const eol = name === 'CRLF' ? '\r\n' : '\n';
      assert.ok(fixed.includes(`# restart it when it crashes${eol}    restart: unless-stopped`), fixed);
    });
  }

  it('says what a value must be, at the value, one message per place', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          ports: 8000
          environment: 5
          gpus: some
          cpu_count: -1
          oom_score_adj: 2000
          pull_policy: sometimes
          privileged: maybe
          depends_on:
            db:
              condition: service_healty
        db:
          image: postgres:16
    `;
    assert.deepEqual(seen(text), [
      '8000 → `ports: 8000` must be a list.',
      '5 → `environment: 5` must be a mapping or a list.',
      'some → `gpus: some` must be `all` or a list.',
      '-1 → `cpu_count: -1` must be at least 0.',
      '2000 → `oom_score_adj: 2000` must be at most 1000.',
      'sometimes → `pull_policy: sometimes` is not a pull policy: use always, never, missing, build, if_not_present, refresh, daily, weekly or every_<duration> (e.g. every_12h).',
      'maybe → `privileged: maybe` must be true or false: Compose converts it and refuses the file (invalid boolean: maybe).',
      'service_healty → `depends_on.db.condition: service_healty` must be one of service_started, service_healthy, service_completed_successfully. Did you mean `service_healthy`?',
    ]);
  });

  it('fixes a misspelt value to the one close allowed value', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          depends_on:
            db:
              condition: service_healty
        db:
          image: postgres:16
    `;
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.includes('condition: service_healthy\n'), fixed);
  });

  it('quotes a number where Compose wants a string (version: 3.8, user: 1000)', () => {
    const text = yaml`
      version: 3.8
      services:
        app:
          image: ghcr.io/example/app:1
          user: 1000
    `;
    assert.deepEqual(seen(text), ['3.8 → `version: 3.8` must be a string.', '1000 → `user: 1000` must be a string.']);
    assert.deepEqual(findingsOf(RULE, text).map((f) => f.fixes[0]!.title), ['Quote it: "3.8"', 'Quote it: "1000"']);
    const fixed = assertFixResolves(RULE, text);
    assert.ok(fixed.startsWith('version: "3.8"\n'), fixed);
  });

  it('asks for a unit on a bare number where Compose reads a duration, and adds seconds', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          stop_grace_period: 30
    `;
    assert.deepEqual(seen(text), ['30 → `stop_grace_period: 30` must be a duration with a unit, such as `30s` or `1m30s`.']);
    assert.ok(assertFixResolves(RULE, text).includes('stop_grace_period: 30s\n'));
  });

  it('reports an empty value at its key, a wrong container at its key, and a missing required key at its map', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          environment:
          volumes:
            - target: /data
          depends_on:
            db:
              restart: true
          command: {run: x}
        db:
          image: postgres:16
    `;
    assert.deepEqual(seen(text), [
      'environment → `environment` is empty: it must be a mapping or a list.',
      'target → `volumes[0]` needs `type`: one of bind, volume, tmpfs, cluster, npipe, image.',
      'db → `depends_on.db` needs `condition`: one of service_started, service_healthy, service_completed_successfully.',
      'command → `command` must be empty, a string or a list.',
    ]);
  });

  it('names the place for top-level sections and bad names, and suggests the top-level key', () => {
    const text = yaml`
      services:
        "my app":
          image: ghcr.io/example/app:1
      networks:
        front:
          drivr: bridge
      servces: {}
    `;
    assert.deepEqual(seen(text), [
      '"my app" → `my app` is not a valid service name: Compose allows only letters, digits, `.`, `_` and `-`.',
      'drivr → `drivr` is not a network attribute. Did you mean `driver`?',
      'servces → `servces` is not a top-level Compose key (extensions start with `x-`). Did you mean `services`?',
    ]);
    // `services` is already there: renaming would write it twice.
    assert.equal(findingsOf(RULE, text)[2]!.fixes.length, 0);
  });

  it('accepts what Compose accepts: !reset, !override, x- extensions, gpus, models, provider, typed strings', () => {
    const text = yaml`
      name: demo
      x-gpu: &gpu
        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  count: all
                  capabilities: [gpu]
      services:
        vllm:
          <<: *gpu
          image: vllm/vllm-openai:v0.11.0
          x-notes: anything at all
          ports: !override
            - "8000:8000"
          environment: !reset null
          gpus: all
          models:
            llm:
              endpoint_var: LLM_URL
          privileged: "false"
          init: "true"
          cpus: "0.5"
        helper:
          provider:
            type: model
            options:
              model: ai/smollm2
          gpus:
            - driver: nvidia
              count: 1
      models:
        llm:
          model: ai/smollm2
          x-size: small
      volumes:
        data:
    `;
    assert.deepEqual(seen(text), []);
  });

  it('says nothing about the content of an interpolated value, only about its type', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:\${TAG:-1}
          scale: \${REPLICAS}
          cpus: \${CPUS:-0.5}
          cpu_count: \${N}
          pull_policy: \${POLICY}
          depends_on:
            db:
              condition: \${CONDITION:-service_healthy}
          environment: \${ENVIRONMENT}
        db:
          image: postgres:16
    `;
    assert.deepEqual(seen(text), ['${ENVIRONMENT} → `environment: ${ENVIRONMENT}` must be a mapping or a list.']);
  });

  it('stays silent on a missing required key in a fragment, or in a service that extends another', () => {
    const fragment = yaml`
      services:
        app:
          depends_on:
            db:
              restart: true
    `;
    assert.deepEqual(seen(fragment), []);
    const named = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          depends_on:
            db:
              restart: true
    `;
    assert.deepEqual(seen(named, { fileName: '/work/compose.override.yaml' }), []);
    const extending = yaml`
      services:
        base:
          image: ghcr.io/example/app:1
        app:
          extends: base
          depends_on:
            db:
              restart: true
    `;
    assert.deepEqual(seen(extending), []);
    // An unknown key in a fragment is in the merged file too: still reported.
    const misspelt = yaml`
      services:
        app:
          restarx: always
    `;
    assert.deepEqual(seen(misspelt, { fileName: '/work/compose.override.yaml' }), ['restarx → `restarx` is not a service attribute. Did you mean `restart`?']);
  });

  it('in a project: the override is judged as compose-go judges it, merged over the base', () => {
    const dir = mkdtempSync(join(tmpdir(), 'is-compose-schema-'));
    const base = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          depends_on:
            db:
              condition: service_healthy
        db:
          image: postgres:16
    `;
    // The override adds `restart: true` to a dependency whose condition the base sets, and misspells a key.
    const override = yaml`
      services:
        app:
          depends_on:
            db:
              restart: true
          restarx: always
    `;
    writeFileSync(join(dir, 'compose.yaml'), base);
    writeFileSync(join(dir, 'compose.override.yaml'), override);
    const path = join(dir, 'compose.override.yaml');
    const result = analyzeInProject(path, override, { reader: boundedReader({ root: dir }) }, { fileName: path });
    assert.equal(result.inProject, true);
    assert.deepEqual(result.findings.filter((f) => f.rule === RULE).map((f) => `${rangeText(override, f)} → ${f.message}`), [
      'restarx → `restarx` is not a service attribute. Did you mean `restart`?',
    ]);
  });

  it('leaves to other rules what they report at the same place, unless they are off', () => {
    const text = yaml`
      services:
        vllm:
          image: vllm/vllm-openai:v0.11.0
          healthcheck:
            test: ["CMD", "true"]
            interval: 30
            retries: many
          deploy:
            resources:
              reservations:
                devices:
                  - driver: nvidia
                    count: 1
    `;
    assert.deepEqual(seen(text), []);
    assert.deepEqual(seen(text, { rules: { 'healthcheck-timing-invalid': 'off', 'gpu-capabilities-missing': 'off' } }), [
      '30 → `healthcheck.interval: 30` must be a duration with a unit, such as `30s` or `1m30s`.',
      'many → `healthcheck.retries: many` must be a whole number: Compose converts it and refuses the file (strconv.Atoi: parsing "many": invalid syntax).',
      'driver → `deploy.resources.reservations.devices[0]` needs `capabilities`.',
    ]);
  });

  it('does not report repeats Compose merges before validating, and reports the others', () => {
    const text = yaml`
      services:
        app:
          image: ghcr.io/example/app:1
          cap_add: [NET_ADMIN, NET_ADMIN]
          ports: ["8000:8000", "8000:8000"]
          security_opt: [no-new-privileges, no-new-privileges]
    `;
    assert.deepEqual(seen(text), ['no-new-privileges → `security_opt` lists `no-new-privileges` twice: Compose refuses repeated entries here.']);
  });

  it('reports a key misspelt in an anchor once, where it is written', () => {
    const text = yaml`
      x-common: &common
        restarx: always
      services:
        a:
          <<: *common
          image: ghcr.io/example/a:1
        b:
          <<: *common
          image: ghcr.io/example/b:1
    `;
    const found = findingsOf(RULE, text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.range.start.line, 1);
    assert.equal(rangeText(text, found[0]!), 'restarx');
  });

  it('is silent on a file with a YAML syntax error (yaml-syntax speaks) and can be turned off', () => {
    assert.deepEqual(seen('services:\n  app:\n    image: [x\n    restarx: always\n'), []);
    assert.deepEqual(findingsOf(RULE, typo, 'compose', { rules: { [RULE]: 'off' } }), []);
  });
});
