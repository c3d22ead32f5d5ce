// Ported from compose-spec/compose-go loader/reset_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2
// (Apache-2.0; see SOURCES.md): `!reset`, `!override`, alias cycles and bombs, merge keys (`<<`) to maps and to
// sequences of maps. Left out: TestVisitCounterLimitOverride (compose-go's MaxNodeVisits option has no
// counterpart here: the limit is fixed at compose-go's default).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configOf, loadError, loadInline } from './projectLoad';

/** loadResetYAML: inline files, normalisation and consistency checks off. */
function loadReset(...configs: string[]) {
  return loadInline(
    configs.map((c, i) => [i === 0 ? '(inline)' : `(override-${i})`, c]),
    { skipNormalization: true, skipConsistencyCheck: true },
  );
}
const services = (...configs: string[]) => configOf(loadReset(...configs)).services;
const networks = (...configs: string[]) => configOf(loadReset(...configs)).networks as Record<string, Record<string, unknown>> | undefined;

describe('compose-go loader/reset_test.go', () => {
  it('TestResetRemove', () => {
    const n = networks('\nname: test-reset\nnetworks:\n  test:\n    name: test\n    external: true\n', '\nnetworks:\n  test: !reset {}\n');
    assert.equal(n?.test, undefined);
  });

  it('TestOverrideReplace', () => {
    const n = networks('\nname: test-override\nnetworks:\n  test:\n    name: test\n    external: true\n', '\nnetworks:\n  test: !override {}\n');
    assert.notEqual(n?.test?.external, true);
  });

  const cycles: Array<[string, string, string?]> = [
    ['simple_alias_no_cycle', '\nname: test\nservices:\n  a: &a\n    image: alpine\n  a2: *a\n'],
    ['simple_alias_reversed_no_cycle', '\nname: test\nservices:\n  a2: &a\n    image: alpine\n  a: *a\n'],
    [
      'nested_merge_no_cycle',
      '\nname: test\nx-templates:\n  x-gluetun: &gluetun\n    environment: &gluetun_env\n      a: b\n  x-gluetun-pia: &gluetun_pia\n    <<: *gluetun\n  x-gluetun-env-pia: &gluetun_env_pia\n    <<: *gluetun_env\n  vp0:\n    <<: *gluetun_pia\n    environment:\n      <<: *gluetun_env_pia\n',
    ],
    [
      'multiple_services_common_config',
      '\nname: test\nx-common:\n  &common\n  restart: unless-stopped\n\nservices:\n  backend:\n    <<: *common\n    image: alpine:latest\n\n  backend-static:\n    <<: *common\n    image: alpine:latest\n\n  backend-worker:\n    <<: *common\n    image: alpine:latest\n',
    ],
    ['dotted_service_names_prefix_no_cycle', '\nname: test\nservices:\n  test.unit: &shared\n    image: alpine\n  test: *shared\n  test.other: *shared\n'],
    [
      'direct_self_reference_cycle',
      '\nname: test\nx-healthcheck: &healthcheck\n  egress-service:\n    <<: *healthcheck\n',
      'cycle detected: node at path x-healthcheck.egress-service.egress-service references node at path x-healthcheck.egress-service',
    ],
  ];
  for (const [name, config, error] of cycles) {
    it(`TestResetCycle/${name}`, () => {
      if (error) assert.match(loadError(() => loadReset(config)), new RegExp(error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      else assert.doesNotThrow(() => loadReset(config));
    });
  }

  const bomb = (levels: number, branching: number) => {
    const names = 'abcdefghijk'.split('').slice(0, levels);
    const lines = ['name: test', 'x-a: &a {k: v}'];
    for (let i = 1; i < names.length; i++) lines.push(`x-${names[i]}: &${names[i]} [${Array(branching).fill(`*${names[i - 1]}`).join(', ')}]`);
    return `\n${lines.join('\n')}\nservices:\n  svc:\n    image: alpine\n`;
  };

  it('TestAliasBombPrevented/B3_N10_small_branching: fast, and an error (if any) is excessive aliasing', () => {
    const message = loadError(() => loadReset(bomb(11, 3)));
    if (message !== '(no error)') assert.match(message, /excessive aliasing/);
  });

  it('TestAliasBombPrevented/B9_N9_original_poc', () => {
    assert.match(loadError(() => loadReset(bomb(10, 9))), /excessive aliasing/);
  });

  it('TestVisitCounterLimit', () => {
    const half = 100_000 / 2 + 1;
    const keys = Array.from({ length: half }, (_, i) => `  k${i}: v`).join('\n');
    assert.match(loadError(() => loadReset(`name: test\nx-data1:\n${keys}\nx-data2:\n${keys}\n`)), /exceeds maximum node visit limit/);
  });

  it('TestLargeLegitimateFile', () => {
    let text = 'name: test\nservices:\n';
    for (let s = 0; s < 400; s++) {
      text += `  svc${s}:\n    image: alpine\n    environment:\n`;
      for (let e = 0; e < 122; e++) text += `      KEY_${e}: val\n`;
    }
    assert.equal(Object.keys(services(text)).length, 400);
  });

  const twoServices = '\nname: test\nservices:\n  svc1:\n    image: alpine\n    ports:\n      - "8080:80"\n  svc2:\n    image: nginx\n    ports:\n      - "9090:90"\n';

  it('TestResetTagWithSharedAlias', () => {
    const s = services(twoServices, '\nx-reset-ports: &reset-ports\n  ports: !reset []\n\nservices:\n  svc1:\n    <<: *reset-ports\n  svc2:\n    <<: *reset-ports\n');
    assert.equal(s.svc1!.ports, undefined);
    assert.equal(s.svc2!.ports, undefined);
  });

  it('TestOverrideTagWithSharedAlias', () => {
    const n = networks(
      '\nname: test\nnetworks:\n  net1:\n    external: true\n    name: external-net-1\n  net2:\n    external: true\n    name: external-net-2\n',
      '\nx-override: &ov !override {}\n\nnetworks:\n  net1: *ov\n  net2: *ov\n',
    );
    assert.notEqual(n?.net1?.external, true);
    assert.notEqual(n?.net2?.external, true);
  });

  it('TestNestedAliasReset', () => {
    const s = services('\nname: test\nservices:\n  svc:\n    image: alpine\n    ports:\n      - "8080:80"\n', '\nx-inner: &inner\n  ports: !reset []\n\nx-outer: &outer\n  <<: *inner\n\nservices:\n  svc:\n    <<: *outer\n');
    assert.equal(s.svc!.ports, undefined);
  });

  it('TestAliasNodePreservation', () => {
    assert.match(loadError(() => loadReset(bomb(9, 9))), /excessive aliasing/);
  });

  it('TestDirectAliasWithReset', () => {
    const s = services(twoServices, '\nx-reset: &reset !reset []\n\nservices:\n  svc1:\n    ports: *reset\n  svc2:\n    ports: *reset\n');
    assert.equal(s.svc1!.ports, undefined);
    assert.equal(s.svc2!.ports, undefined);
  });

  const mergeTargets: Array<[string, string]> = [
    ['alias_to_mapping', '\nname: test\nx-base: &base\n  image: nginx\n  restart: unless-stopped\nservices:\n  s1:\n    <<: *base\n'],
    ['alias_to_sequence_of_mappings', '\nname: test\nx-list: &alist\n  - image: nginx\nservices:\n  s1:\n    <<: *alist\n'],
    ['alias_to_sequence_shared_across_services', '\nname: test\nx-list: &alist\n  - image: nginx\n    restart: unless-stopped\nservices:\n  s1:\n    <<: *alist\n  s2:\n    <<: *alist\n'],
    ['inline_sequence_of_mappings', '\nname: test\nx-base: &base\n  image: nginx\nservices:\n  s1:\n    <<: [*base, {restart: unless-stopped}]\n'],
  ];
  for (const [name, config] of mergeTargets) {
    it(`TestMergeKeyAliasTargets/${name}`, () => assert.equal(services(config).s1!.image, 'nginx'));
  }

  it('TestMergeKeyAliasToScalarRejected', () => {
    assert.match(loadError(() => loadReset('\nname: test\nx-scalar: &s "not-a-map"\nservices:\n  s1:\n    <<: *s\n')), /map merge requires map/);
  });
});

describe('merge keys as go.yaml reads them', () => {
  it('keys written in the map win over merged ones, and the first merge source over later ones', () => {
    const s = services('name: t\nx-a: &a {image: a, restart: "no", user: a}\nx-b: &b {image: b, user: b, hostname: b}\nservices:\n  s:\n    <<: [*a, *b]\n    user: own\n');
    assert.deepEqual(s.s, { image: 'a', restart: 'no', user: 'own', hostname: 'b' });
  });

  it('a merge inside a merged map is followed', () => {
    const s = services('name: t\nx-a: &a {image: a}\nx-b: &b\n  <<: *a\n  user: b\nservices:\n  s:\n    <<: *b\n');
    assert.deepEqual(s.s, { image: 'a', user: 'b' });
  });

  it('a sequence holding a scalar is refused', () => {
    assert.match(loadError(() => services('name: t\nservices:\n  s:\n    <<: [{image: a}, 3]\n')), /map merge requires map or sequence of maps as the value/);
  });

  it('each document of a file is laid over the ones before it', () => {
    const s = services('name: t\nservices:\n  s:\n    image: a\n    user: a\n---\nservices:\n  s:\n    image: b\n');
    assert.deepEqual(s.s, { image: 'b', user: 'a' });
  });

  it('a key written twice is refused with both lines', () => {
    assert.match(loadError(() => services('name: t\nservices:\n  s:\n    image: a\n    image: b\n')), /line 5: mapping key "image" already defined at line 4/);
  });
});
