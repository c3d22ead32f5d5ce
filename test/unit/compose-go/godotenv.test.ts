// Ported from compose-spec/compose-go dotenv/godotenv_test.go and dotenv/godotenv_var_expansion_test.go at
// e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 (Apache-2.0; fixtures MIT, see SOURCES.md). The Go helpers become
// small functions over parseDotEnvFile: Parse (no environment), ReadWithLookup (keys starting with a digit dropped,
// as godotenv's Read does), Load (the parsed file under what the environment already has), GetEnvFromFile (files
// parsed into one map). Left out, Go file-system and registration APIs: TestLoadWithNoArgsLoadsDotEnv,
// TestLoadFileNotFound, TestErrorReadDirectory, TestGetEnvFromFile (a directory as env file), TestLoadWithFormat
// (RegisterFormat).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDotEnvFile } from '../../../server/src/compose/dotenv';
import type { Lookup } from '../../../server/src/compose/template';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'compose-go', 'fixtures', 'dotenv');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const lookupIn = (env: Record<string, string>): Lookup => (name) => (Object.hasOwn(env, name) ? env[name] : undefined);

function Parse(text: string, lookup?: Lookup): { env: Map<string, string>; err?: string } {
  const { env, errors } = parseDotEnvFile(text, lookup ? { lookup } : {});
  return { env, err: errors[0]?.message };
}

function ReadWithLookup(name: string, lookup?: Lookup): { env: Map<string, string>; err?: string } {
  const { env, err } = Parse(fixture(name), lookup);
  for (const key of env.keys()) if (/^\s*\d/.test(key)) env.delete(key);
  return { env, err };
}

/** Load: the file's variables set where the environment (`presets`) does not already have them. */
function Load(name: string, presets: Record<string, string> = {}): Map<string, string> {
  const { env, err } = Parse(fixture(name));
  assert.equal(err, undefined, name);
  const result = new Map(Object.entries(presets));
  for (const [k, v] of env) if (!result.has(k)) result.set(k, v);
  return result;
}

function assertValues(actual: ReadonlyMap<string, string>, expected: Record<string, string>, what: string): void {
  for (const [key, value] of Object.entries(expected)) assert.equal(actual.get(key), value, `${what}: ${key}`);
}

function parseAndCompare(raw: string, key: string, value: string): void {
  const { env, err } = Parse(raw);
  assert.equal(err, undefined, raw);
  assert.ok(env.has(key), `${raw}: key ${JSON.stringify(key)} not found`);
  assert.equal(env.get(key), value, raw);
}

describe('compose-go godotenv_test.go', () => {
  it('TestReadPlainEnv', () => {
    const expected = { OPTION_A: '1', OPTION_B: '2', OPTION_C: '3', OPTION_D: '4', OPTION_E: '5', OPTION_F: '', OPTION_G: '', OPTION_H: 'my string' };
    const { env, err } = ReadWithLookup('plain.env');
    assert.equal(err, undefined);
    assert.equal(env.size, Object.keys(expected).length);
    assertValues(env, expected, 'plain.env');
  });
  it('TestParse', () => {
    assertValues(Parse('ONE=1\nTWO=\'2\'\nTHREE = "3"').env, { ONE: '1', TWO: '2', THREE: '3' }, 'TestParse');
  });
  it('TestLoadDoesNotOverride', () => {
    assertValues(Load('plain.env', { OPTION_A: 'do_not_override', OPTION_B: '' }), { OPTION_A: 'do_not_override', OPTION_B: '' }, 'plain.env');
  });
  it('TestLoadPlainEnv', () => {
    assertValues(Load('plain.env'), { OPTION_A: '1', OPTION_B: '2', OPTION_C: '3', OPTION_D: '4', OPTION_E: '5' }, 'plain.env');
  });
  it('TestLoadExportedEnv', () => {
    assertValues(Load('exported.env'), { OPTION_A: '2', OPTION_B: '\\n' }, 'exported.env');
  });
  it('TestLoadEqualsEnv', () => {
    assertValues(Load('equals.env'), { OPTION_A: 'postgres://localhost:5432/database?sslmode=disable' }, 'equals.env');
  });
  it('TestLoadQuotedEnv', () => {
    assertValues(
      Load('quoted.env'),
      {
        OPTION_A: '1',
        OPTION_B: '2',
        OPTION_C: '',
        OPTION_D: '\\n',
        OPTION_E: '1',
        OPTION_F: '2',
        OPTION_G: '',
        OPTION_H: '\n',
        OPTION_I: "echo 'asd'",
        OPTION_J: 'first line\nsecond line\nthird line\nand so on',
        OPTION_K: "Let's go!",
        OPTION_Z: 'last value',
      },
      'quoted.env',
    );
  });
  it('TestLoadUnquotedEnv', () => {
    assertValues(
      Load('unquoted.env'),
      {
        OPTION_A: 'some quoted phrase',
        OPTION_B: 'first one with an unquoted phrase',
        OPTION_C: 'then another one with an unquoted phrase',
        OPTION_D: 'then another one with an unquoted phrase special è char',
        OPTION_E: 'then another one quoted phrase',
      },
      'unquoted.env',
    );
  });
  it('TestSubstitutions', () => {
    assertValues(Load('substitutions.env'), { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' }, 'substitutions.env');
  });
  it('TestExpanding', () => {
    const cases: Array<[string, string, Record<string, string>]> = [
      ['expands variables found in values', 'FOO=test\nBAR=$FOO', { FOO: 'test', BAR: 'test' }],
      ['parses variables wrapped in brackets', 'FOO=test\nBAR=${FOO}bar', { FOO: 'test', BAR: 'testbar' }],
      ['expands undefined variables to an empty string', 'BAR=$FOO', { BAR: '' }],
      ['expands variables in double quoted strings', 'FOO=test\nBAR="quote $FOO"', { FOO: 'test', BAR: 'quote test' }],
      ['does not expand variables in single quoted strings', "BAR='quote $FOO'", { BAR: 'quote $FOO' }],
      ['does not expand escaped variables 1', 'FOO="foo\\$BAR"', { FOO: 'foo$BAR' }],
      ['does not expand escaped variables 2', 'FOO="foo\\${BAR}"', { FOO: 'foo${BAR}' }],
      ['does not expand escaped variables 3', 'FOO=test\nBAR="foo\\${FOO} ${FOO}"', { FOO: 'test', BAR: 'foo${FOO} test' }],
    ];
    for (const [name, input, expected] of cases) {
      const { env, err } = Parse(input);
      assert.equal(err, undefined, name);
      assertValues(env, expected, name);
    }
  });
  it('TestVariableStringValueSeparator', () => {
    const { env } = Parse('TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"');
    assert.deepEqual([...env], [['TEST_URLS', 'stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443']]);
  });
  it('TestActualEnvVarsAreLeftAlone', () => {
    assert.equal(Load('plain.env', { OPTION_A: 'actualenv' }).get('OPTION_A'), 'actualenv');
  });
  it('TestParsing', () => {
    parseAndCompare('FOO=bar', 'FOO', 'bar');
    parseAndCompare('FOO =bar', 'FOO', 'bar');
    parseAndCompare('FOO= bar', 'FOO', 'bar');
    parseAndCompare('FOO="bar"', 'FOO', 'bar');
    parseAndCompare("FOO='bar'", 'FOO', 'bar');
    parseAndCompare('FOO="escaped\\"bar"', 'FOO', 'escaped"bar');
    parseAndCompare('FOO="\\"quoted\\""', 'FOO', '"quoted"');
    parseAndCompare('FOO="\'d\'"', 'FOO', "'d'");
    parseAndCompare('OPTION_A: 1', 'OPTION_A', '1');
    parseAndCompare('OPTION_A: Foo=bar', 'OPTION_A', 'Foo=bar');
    parseAndCompare('OPTION_A=1:B', 'OPTION_A', '1:B');
    parseAndCompare('export OPTION_A=2', 'OPTION_A', '2');
    parseAndCompare("export OPTION_B='\\n'", 'OPTION_B', '\\n');
    parseAndCompare('export exportFoo=2', 'exportFoo', '2');
    parseAndCompare('exportFOO=2', 'exportFOO', '2');
    parseAndCompare('export_FOO =2', 'export_FOO', '2');
    parseAndCompare('export.FOO= 2', 'export.FOO', '2');
    parseAndCompare('export\tOPTION_A=2', 'OPTION_A', '2');
    parseAndCompare('  export OPTION_A=2', 'OPTION_A', '2');
    parseAndCompare('\texport OPTION_A=2', 'OPTION_A', '2');
    parseAndCompare('export OPTION_A="export A"', 'OPTION_A', 'export A');
    parseAndCompare('FOO="bar\\nbaz"', 'FOO', 'bar\nbaz');
    parseAndCompare('FOO=a\\tb', 'FOO', 'a\\tb');
    parseAndCompare('FOO="a\\tb"', 'FOO', 'a\tb');
    parseAndCompare('KEY="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', 'KEY', 'Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ');
    parseAndCompare('FOO.BAR=foobar', 'FOO.BAR', 'foobar');
    parseAndCompare('FOO=foobar=', 'FOO', 'foobar=');
    parseAndCompare('FOO=bar ', 'FOO', 'bar');
    parseAndCompare('FOO=bar # this is foo', 'FOO', 'bar');
    parseAndCompare('FOO=bar #this is foo', 'FOO', 'bar');
    parseAndCompare('FOO=bar #', 'FOO', 'bar');
    parseAndCompare('FOO=123#not-an-inline-comment', 'FOO', '123#not-an-inline-comment');
    parseAndCompare('FOO="bar#baz"', 'FOO', 'bar#baz');
    parseAndCompare('FOO="bar#baz"#', 'FOO', 'bar#baz');
    parseAndCompare('FOO="bar#baz" # comment', 'FOO', 'bar#baz');
    parseAndCompare("FOO='bar#baz' # comment", 'FOO', 'bar#baz');
    parseAndCompare('FOO="bar#baz#bang" # comment', 'FOO', 'bar#baz#bang');
    parseAndCompare('FOO="ba#r"', 'FOO', 'ba#r');
    parseAndCompare("FOO='ba#r'", 'FOO', 'ba#r');
    parseAndCompare('FOO="bar\\n\\ b\\az"', 'FOO', 'bar\n\\ b\x07z');
    parseAndCompare('FOO="bar\\\\\\n\\ b\\az"', 'FOO', 'bar\\\n\\ b\x07z');
    parseAndCompare('FOO="bar\\\\r\\ b\\az"', 'FOO', 'bar\\r\\ b\x07z');
    parseAndCompare('FOO="bar\\nbaz\\\\"', 'FOO', 'bar\nbaz\\');
    parseAndCompare('="value"', '', 'value');
    parseAndCompare(' KEY =value', 'KEY', 'value');
    parseAndCompare('   KEY=value', 'KEY', 'value');
    parseAndCompare('\tKEY=value', 'KEY', 'value');
    parseAndCompare('KEY="\\0123"', 'KEY', 'S');
    parseAndCompare('KEY="\\x07"', 'KEY', '\\x07');
    parseAndCompare('KEY="\\u12e4"', 'KEY', '\\u12e4');
    parseAndCompare('KEY="\\U00101234"', 'KEY', '\\U00101234');
    assert.notEqual(Parse('lol$wut').err, undefined, 'lol$wut is an error');
  });
  it('TestUnterminatedQuotes', () => {
    for (const tc of ['KEY="', 'KEY="value', 'KEY="value\\"', "KEY=\"value'", "KEY='", "KEY='value", "KEY='value\\'", 'KEY=\'value"']) {
      assert.ok(Parse(tc).err?.includes('unterminated quoted value'), tc);
    }
  });
  it('TestLinesToIgnore (read through Parse: an ignored line sets nothing)', () => {
    for (const input of ['\n', '\r\n', '\t\t ', '# Comment', '\t # comment']) assert.deepEqual(Parse(input), { env: new Map(), err: undefined }, JSON.stringify(input));
    assert.deepEqual([...Parse("export OPTION_B='\\n'").env], [['OPTION_B', '\\n']]);
  });
  it('TestErrorParsing', () => {
    assert.ok(ReadWithLookup('invalid1.env').err?.includes('line 7: key cannot contain a space'));
  });
  it('TestInheritedEnvVariableSameSize', () => {
    const { env, err } = ReadWithLookup('inherited-multi-var.env', lookupIn({ VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }));
    assert.equal(err, undefined);
    assert.deepEqual(Object.fromEntries(env), { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE', foo: 'bar', bar: 'baz' });
  });
  it('TestInheritedEnvVariableSingleVar', () => {
    const { env, err } = ReadWithLookup('inherited-single-var.env', lookupIn({ VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }));
    assert.equal(err, undefined);
    assert.deepEqual(Object.fromEntries(env), { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' });
  });
  it('TestInheritedEnvVariableNotFound', () => {
    assert.deepEqual(ReadWithLookup('inherited-not-found.env'), { env: new Map(), err: undefined });
  });
  it('TestInheritedEnvVariableNotFoundWithLookup', () => {
    const asked: string[] = [];
    const { env, err } = ReadWithLookup('inherited-not-found.env', (name) => {
      asked.push(name);
      return undefined;
    });
    assert.deepEqual([env.has('VARIABLE_NOT_FOUND'), err, asked.includes('VARIABLE_NOT_FOUND')], [false, undefined, true]);
  });
  it('TestExpandingEnvironmentWithLookup', () => {
    assert.equal(Parse('TEST=$ME', (name) => (name === 'ME' ? 'YES' : undefined)).env.get('TEST'), 'YES');
  });
  it('TestSubstitutionsWithEnvFilePrecedence', () => {
    const { env } = ReadWithLookup('substitutions.env', lookupIn({ OPTION_A: '5' }));
    assert.deepEqual(Object.fromEntries(env), { OPTION_A: '1', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' });
  });
  it('TestSubstitutionsWithEnvFileDefaultValuePrecedence', () => {
    const { env } = ReadWithLookup('substitutions-default.env', lookupIn({ OPTION_A: '5' }));
    assert.deepEqual(Object.fromEntries(env), { OPTION_A: '5', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' });
  });
  it('TestSubstitutionsWithUnsetVarEnvFileDefaultValuePrecedence', () => {
    const { env } = ReadWithLookup('substitutions-default.env', lookupIn({}));
    assert.deepEqual(Object.fromEntries(env), { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' });
  });
  it('TestUTF8BOM', () => {
    assert.ok(fixture('utf8-bom.env').startsWith('\ufeff'), 'the fixture keeps its byte order mark');
    assertValues(Load('utf8-bom.env'), { OPTION_A: '1', OPTION_B: '2', OPTION_C: '3', OPTION_D: '4', OPTION_E: '5' }, 'utf8-bom.env');
  });
  it('TestDash', () => {
    assertValues(Load('special.env'), { 'VAR-WITH-DASHES': 'dashes', 'VAR.WITH.DOTS': 'dots', VAR_WITH_UNDERSCORES: 'underscores' }, 'special.env');
  });
  it('TestMultipleFiles', () => {
    const base = '\nENV_HOSTNAME=localhost\nENV_MY_URL="http://${ENV_HOSTNAME}"\n';
    const override = '\nENV_HOSTNAME=dev.my-company.com\nENV_MY_URL="http://${ENV_HOSTNAME}"\n';
    const GetEnvFromFile = (currentEnv: Record<string, string>) => {
      let env = new Map<string, string>();
      for (const text of [base, override]) env = parseDotEnvFile(text, { lookup: lookupIn(currentEnv), initial: env }).env;
      return Object.fromEntries(env);
    };
    assert.deepEqual(GetEnvFromFile({}), { ENV_HOSTNAME: 'dev.my-company.com', ENV_MY_URL: 'http://dev.my-company.com' });
    assert.deepEqual(GetEnvFromFile({ ENV_HOSTNAME: 'host.local' }), { ENV_HOSTNAME: 'dev.my-company.com', ENV_MY_URL: 'http://host.local' });
  });
});

describe('compose-go godotenv_var_expansion_test.go', () => {
  // expandVariables(input, envMap, notFoundLookup), read through a .env line whose value is `input`. On an error
  // compose-go stops reading the file, so only the error is observable there, not the value.
  const expandVariables = (input: string) => {
    const { env, errors } = parseDotEnvFile(`EMPTY_VAR=\nTEST_VAR="Test Value"\nINPUT=${input}\n`);
    return { result: env.get('INPUT'), err: errors[0]?.message };
  };
  const cases: Array<[string, string, string | undefined]> = [
    ['RESULT=${UNSET_VAR:-Default Value}', 'RESULT=Default Value', undefined],
    ['RESULT=${EMPTY_VAR:-Default Value}', 'RESULT=Default Value', undefined],
    ['RESULT=${TEST_VAR:-Default Value}', 'RESULT=Test Value', undefined],
    ['RESULT=${UNSET_VAR-Default Value}', 'RESULT=Default Value', undefined],
    ['RESULT=${EMPTY_VAR-Default Value}', 'RESULT=', undefined],
    ['RESULT=${TEST_VAR-Default Value}', 'RESULT=Test Value', undefined],
    ['RESULT=${UNSET_VAR:?Test error}', '', 'required variable UNSET_VAR is missing a value: Test error'],
    ['RESULT=${EMPTY_VAR:?Test error}', '', 'required variable EMPTY_VAR is missing a value: Test error'],
    ['RESULT=${TEST_VAR:?Default Value}', 'RESULT=Test Value', undefined],
    ['RESULT=${UNSET_VAR?Test error}', '', 'required variable UNSET_VAR is missing a value: Test error'],
    ['RESULT=${EMPTY_VAR?Test error}', 'RESULT=', undefined],
    ['RESULT=${TEST_VAR?Default Value}', 'RESULT=Test Value', undefined],
  ];
  for (const [input, result, err] of cases) {
    it(input, () => {
      const out = expandVariables(input);
      assert.equal(out.err, err);
      if (!err) assert.equal(out.result, result);
    });
  }
});
