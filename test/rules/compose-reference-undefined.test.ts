/**
 * compose-reference-undefined: compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 loader/validate.go
 * (checkConsistency) and loader/extends.go wording; silence wherever the file may be one of several.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisOptions, ProjectContext } from '../../server/src/core/analysisOptions';
import { assertFixResolves, findingsOf, rangeText, toCrlf, yaml } from '../helpers';

const RULE = 'compose-reference-undefined';
const ALONE: AnalysisOptions = { fileName: '/work/app/compose.yaml' };

const bad = yaml`
  services:
    app:
      image: ghcr.io/example/app:1
      depends_on:
        - vlm
    vllm:
      image: vllm/vllm-openai:v0.11.0
`;

function found(text: string, options: AnalysisOptions = ALONE) {
  return findingsOf(RULE, text, 'compose', options);
}

function project(defined: Partial<Record<keyof ProjectContext['definedElsewhere'], string[]>>): AnalysisOptions {
  const set = (names: string[] | undefined) => new Set(names ?? []);
  return {
    ...ALONE,
    project: {
      definedElsewhere: {
        services: set(defined.services),
        networks: set(defined.networks),
        volumes: set(defined.volumes),
        configs: set(defined.configs),
        secrets: set(defined.secrets),
        models: set(defined.models),
      },
    },
  };
}

describe(RULE, () => {
  for (const [name, text] of [['LF', bad], ['CRLF', toCrlf(bad)]] as const) {
    it(`reports a depends_on item naming no service, with compose-go's wording (${name})`, () => {
      const [f, ...rest] = found(text);
      assert.equal(rest.length, 0);
      assert.equal(f!.severity, 'error');
      assert.deepEqual(f!.range, { start: { line: 4, character: 8 }, end: { line: 4, character: 11 } });
      assert.equal(rangeText(text, f!), 'vlm');
      assert.equal(
        f!.message,
        'Service "app" depends on "vlm", which is not defined: Compose refuses the project (service "app" depends on ' +
          'undefined service "vlm"). Define the service or fix the name. Did you mean "vllm"?',
      );
    });

    it(`its fix renames the reference to the close defined name (${name})`, () => {
      const fixed = assertFixResolves(RULE, text, ALONE);
      assert.ok(fixed.includes(`depends_on:${name === 'CRLF' ? '\r\n' : '\n'}      - vllm`), fixed);
    });
  }

  it('reads the long form of depends_on, and offers no fix without a close name', () => {
    const text = yaml`
      services:
        app:
          image: app:1
          depends_on:
            database:
              condition: service_healthy
              required: false
    `;
    const [f] = found(text);
    assert.equal(rangeText(text, f!), 'database');
    assert.equal(f!.fixes.length, 0);
    assert.ok(!f!.message.includes('Did you mean'), f!.message);
  });

  it('reports a same-file extends (string and map form), not one naming another file', () => {
    const text = yaml`
      services:
        a:
          extends: base
        b:
          extends:
            service: bsae
        c:
          extends:
            file: common.yaml
            service: elsewhere
        base:
          image: app:1
    `;
    const list = found(text);
    assert.deepEqual(list.map((f) => rangeText(text, f)), ['bsae'], 'a extends base, which is defined; c names another file');
    assert.equal(
      list[0]!.message,
      'Service "b" extends "bsae", which this file does not define: Compose refuses it (cannot extend service "b": ' +
        'service "bsae" not found). Define it here, or name its file with `extends.file`. Did you mean "base"?',
    );
  });

  it('reports a same-file extends even in an override fragment (compose-go resolves it per file), not with include:', () => {
    const fragment = yaml`
      services:
        gpu:
          extends: vllm
          deploy: {}
    `;
    assert.deepEqual(found(fragment, { fileName: 'compose.override.yaml' }).map((f) => rangeText(fragment, f)), ['vllm']);
    assert.deepEqual(found(`include:\n  - base.yaml\n${fragment}`), []);
  });

  it('reads models, networks, named volumes, configs, secrets and build secrets in their short and long forms', () => {
    const text = yaml`
      services:
        app:
          image: app:1
          build:
            context: .
            secrets: [npmrc]
          models:
            - llm
          networks:
            - default
            - backend
          volumes:
            - cache:/cache
            - ./data:/data
            - type: volume
              source: weights
              target: /weights
            - type: bind
              source: ./x
              target: /x
            - /anonymous
          configs:
            - app_config
            - source: other_config
              target: /etc/other
          secrets:
            - token
        web:
          image: web:1
          models:
            embed:
              endpoint_var: EMBED_URL
          networks:
            front:
              aliases: [www]
    `;
    const list = found(text);
    assert.deepEqual(
      list.map((f) => rangeText(text, f)),
      ['npmrc', 'llm', 'backend', 'cache', 'weights', 'app_config', 'other_config', 'token', 'embed', 'front'],
    );
    const messages = list.map((f) => f.message.replace(/\). .*$/, ')'));
    assert.deepEqual(messages.slice(0, 4), [
      'Service "app" uses the build secret "npmrc", which is not defined: Compose refuses the project (service "app" refers to undefined build secret npmrc)',
      'Service "app" uses the model "llm", which is not defined: Compose refuses the project (service "app" refers to undefined model llm)',
      'Service "app" uses the network "backend", which is not defined: Compose refuses the project (service "app" refers to undefined network backend)',
      'Service "app" uses the volume "cache", which is not defined: Compose refuses the project (service "app" refers to undefined volume cache)',
    ]);
    assert.ok(list[1]!.message.endsWith('Define it under the top-level `models:` or fix the name.'), list[1]!.message);
  });

  it('is quiet when everything is defined (keys with null values count)', () => {
    const text = yaml`
      services:
        app:
          image: app:1
          models: [llm]
          networks: [backend]
          volumes: [cache:/cache]
          secrets: [token]
          depends_on: [db]
        db:
          image: postgres:16
      models:
        llm:
          model: ai/smollm2
      networks:
        backend:
      volumes:
        cache:
          external: true
      secrets:
        token:
          environment: TOKEN
    `;
    assert.deepEqual(found(text), []);
  });

  it('leaves names with ${VAR} alone (the shell may set them)', () => {
    const text = yaml`
      services:
        app:
          image: app:1
          networks: ['\${NET}']
          volumes: ['\${VOL:-cache}:/cache']
    `;
    assert.deepEqual(found(text), []);
  });

  describe('silent where the file may be one of several', () => {
    const refersOut = yaml`
      services:
        ollama:
          image: ollama/ollama:0.5.7
          networks: [harbor-network]
          volumes:
            - ollama:/root/.ollama
    `;

    it('reports on a default-named file whose services all have an image', () => {
      assert.equal(found(refersOut).length, 2);
      assert.equal(found(refersOut, {}).length, 2, 'no file name: the name tells nothing');
    });

    it('not on an override or a variant of the default name', () => {
      for (const fileName of ['compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.gpu.yaml', 'compose.x.vllm.nvidia.yml', 'C:\\p\\compose.vllm.yml']) {
        assert.deepEqual(found(refersOut, { fileName }), [], fileName);
      }
    });

    it('not on a file with include:', () => {
      assert.deepEqual(found(`include:\n  - common.yaml\n${refersOut}`), []);
    });

    it('not on a fragment: a service without image, build, extends or provider', () => {
      const fragment = `${refersOut}  gpu-extra:\n    deploy: {}\n`;
      assert.deepEqual(found(fragment), []);
    });

    it('with the project, names its other files define are defined, and the rest is reported even in a fragment', () => {
      const fragment = `${refersOut}  gpu-extra:\n    deploy: {}\n`;
      const options = project({ networks: ['harbor-network'] });
      assert.deepEqual(found(fragment, options).map((f) => rangeText(fragment, f)), ['ollama']);
      assert.deepEqual(found(fragment, { ...project({ networks: ['harbor-network'], volumes: ['ollama'] }), fileName: 'compose.override.yaml' }), []);
    });
  });
});
