// Ported from compose-spec/compose-go interpolation/interpolation_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2
// (Apache-2.0; see SOURCES.md). Interpolate below is the walk of interpolation.go (values substituted, keys not,
// list items as `[]` in the path) over the project's substitution and error messages. Left out: TestInterpolateWithCast
// and TestPathMatches (type casts by tree.Path pattern belong to the project loader, not to interpolation).
// Options{} (the process environment) is an explicit lookup here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolationErrorMessage, substitute, type Lookup } from '../../../server/src/compose/template';

type Value = string | Value[] | { [key: string]: Value };

const defaults = new Map([
  ['USER', 'jenny'],
  ['FOO', 'bar'],
  ['count', '5'],
  ['REQUIRED', 'true'],
]);
const defaultMapping: Lookup = (name) => defaults.get(name);
const emptyEnvironment: Lookup = () => undefined;

function Interpolate(config: { [key: string]: Value }, lookup: Lookup): { result?: Value; err?: string } {
  let err: string | undefined;
  const walk = (value: Value, path: string): Value => {
    if (typeof value === 'string') {
      const out = substitute(value, lookup);
      if (out.errors[0]) err ??= interpolationErrorMessage(path, out.errors[0]);
      return out.errors[0] ? value : out.value;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, `${path}.[]`));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
  };
  const result = walk(config, '');
  return err ? { err } : { result };
}

describe('compose-go interpolation_test.go', () => {
  it('TestInterpolate', () => {
    const services = {
      servicea: { image: 'example:${USER}', volumes: ['$FOO:/target'], logging: { driver: '${FOO}', options: { user: '$USER' } } },
    };
    assert.deepEqual(Interpolate(services, defaultMapping), {
      result: { servicea: { image: 'example:jenny', volumes: ['bar:/target'], logging: { driver: 'bar', options: { user: 'jenny' } } } },
    });
  });
  it('TestInvalidInterpolation', () => {
    assert.equal(
      Interpolate({ servicea: { image: '${' } }, defaultMapping).err,
      'invalid interpolation format for servicea.image.\nYou may need to escape any $ with another $.\n${',
    );
  });
  it('TestInterpolateWithDefaults', () => {
    assert.deepEqual(Interpolate({ networks: { foo: 'thing_${FOO}' } }, (name) => (name === 'FOO' ? 'BARZ' : undefined)), {
      result: { networks: { foo: 'thing_BARZ' } },
    });
  });
  it('TestValidUnexistentInterpolation', () => {
    const cases: Array<{ test: string; expected?: string; errMsg?: string }> = [
      { test: '{{{ ${FOO:-foo_} }}}', expected: '{{{ foo_ }}}' },
      { test: '{{{ ${FOO:-foo-bar-value} }}}', expected: '{{{ foo-bar-value }}}' },
      { test: '{{{ ${FOO:-foo?bar?value} }}}', expected: '{{{ foo?bar?value }}}' },
      { test: '{{{ ${FOO:-foo:?bar:?value} }}}', expected: '{{{ foo:?bar:?value }}}' },
      { test: '{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}', expected: '{{{ foo DEFAULT_VALUE }}}' },
      { test: '{{{ ${BAR} }}}', expected: '{{{  }}}' },
      { test: '${FOO:-baz} }}}', expected: 'baz }}}' },
      { test: '${FOO-baz} }}}', expected: 'baz }}}' },
      { test: '{{{ ${FOO:?foo_} }}}', errMsg: 'foo_' },
      { test: '{{{ ${FOO:?foo-bar-value} }}}', errMsg: 'foo-bar-value' },
      { test: '{{{ ${FOO:?foo} ${BAR:-DEFAULT_VALUE} }}}', errMsg: 'foo' },
      { test: '${FOO:?foo} ${BAR:?bar}', errMsg: 'foo' },
      { test: '{{{ ${BAR} }}}', expected: '{{{  }}}' },
      { test: '${FOO:?baz} }}}', errMsg: 'baz' },
      { test: '${FOO?baz} }}}', errMsg: 'baz' },
      { test: '${FOO:-${BAR:-${ZOT:-qix}}}', expected: 'qix' },
      { test: '${FOO:-${BAR:-x}_test_${BAR:-y}}', expected: 'x_test_y' },
      { test: '${FOO:-${BAR:-x}_test}', expected: 'x_test' },
      { test: '${FOO:-${BAR:-${ZOT:-x}}_test}', expected: 'x_test' },
    ];
    for (const { test, expected, errMsg } of cases) {
      const out = Interpolate({ myservice: { environment: { TESTVAR: test } } }, emptyEnvironment);
      if (errMsg) {
        assert.equal(out.err, `error while interpolating myservice.environment.TESTVAR: required variable FOO is missing a value: ${errMsg}`, test);
      } else {
        assert.deepEqual(out, { result: { myservice: { environment: { TESTVAR: expected! } } } }, test);
      }
    }
  });
  it('TestValidExistentInterpolation', () => {
    const cases: Array<[string, string]> = [
      ['{{{ ${FOO:-foo_} }}}', '{{{ bar }}}'],
      ['{{{ ${FOO:-foo-bar-value} }}}', '{{{ bar }}}'],
      ['{{{ ${FOO:-foo} ${BAR:-DEFAULT_VALUE} }}}', '{{{ bar DEFAULT_VALUE }}}'],
      ['{{{ ${BAR} }}}', '{{{  }}}'],
      ['${FOO:-baz} }}}', 'bar }}}'],
      ['${FOO-baz} }}}', 'bar }}}'],
      ['{{{ ${FOO:-foo_} }}}', '{{{ bar }}}'],
      ['{{{ ${FOO:-foo-bar-value} }}}', '{{{ bar }}}'],
      ['{{{ ${FOO:-foo} ${USER:-bar} }}}', '{{{ bar jenny }}}'],
      ['{{{ ${USER} }}}', '{{{ jenny }}}'],
      ['${FOO:-baz} }}}', 'bar }}}'],
      ['${FOO-baz} }}}', 'bar }}}'],
    ];
    for (const [test, expected] of cases) {
      assert.deepEqual(Interpolate({ myservice: { environment: { TESTVAR: test } } }, defaultMapping), { result: { myservice: { environment: { TESTVAR: expected } } } }, test);
    }
  });
});
