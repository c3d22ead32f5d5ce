// Ported from compose-spec/compose-go template/template_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2
// (Apache-2.0; see SOURCES.md). Left out, Go-only APIs: TestSubstituteWithCustomFunc (a custom SubstituteFunc),
// TestSubstituteWithReplacementFunc and TestSubstituteWithReplacementAppliedFunc (a custom ReplacementFunc; the
// last case of the first, which uses the default one, is kept).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substitute, templateErrorMessage, type Lookup } from '../../../server/src/compose/template';

const defaults = new Map([
  ['FOO', 'first'],
  ['BAR', ''],
  ['JSON', '{"json":2}'],
]);
const defaultMapping: Lookup = (name) => defaults.get(name);

/** compose-go's Substitute: the result and the first error's message. */
function Substitute(template: string, mapping: Lookup = defaultMapping): { result: string; err?: string; kind?: string; warned: boolean } {
  const out = substitute(template, mapping);
  const first = out.errors[0];
  return { result: out.value, err: first && templateErrorMessage(first), kind: first?.kind, warned: out.unset };
}

function ok(template: string, expected: string, mapping?: Lookup): void {
  const { result, err } = Substitute(template, mapping);
  assert.equal(err, undefined, template);
  assert.equal(result, expected, template);
}

describe('compose-go template_test.go', () => {
  it('TestEscaped', () => ok('$${foo}', '${foo}'));
  it('TestSubstituteNoMatch', () => ok('foo', 'foo'));
  it('TestUnescaped', () => {
    for (const expected of ['a $ string', '^REGEX$', '$}', '$']) ok(expected, expected);
  });
  it('TestInvalid', () => {
    for (const template of ['${', '${}', '${ }', '${ foo}', '${foo }', '${foo!}']) {
      const { err } = Substitute(template);
      assert.ok(err?.includes('Invalid template'), template);
    }
  });
  it('TestNonBraced', () => ok('$FOO-bar', 'first-bar'));
  it('TestNoValueNoDefault', () => {
    for (const template of ['This ${missing} var', 'This ${BAR} var']) ok(template, 'This  var');
  });
  it('TestValueNoDefault', () => {
    for (const template of ['This $FOO var', 'This ${FOO} var']) ok(template, 'This first var');
  });
  it('TestNoValueWithDefault', () => {
    for (const template of ['ok ${missing:-def}', 'ok ${missing-def}']) ok(template, 'ok def');
  });
  it('TestLazyDefaultDoesNotWarn', () => {
    const out = Substitute('${A:+${A},}B');
    assert.deepEqual([out.result, out.err, out.warned], ['B', undefined, false]);
  });
  it('TestLazyDefaultWarnsWhenUsed', () => {
    const out = Substitute('${A:-${B}}');
    assert.deepEqual([out.result, out.err, out.warned], ['', undefined, true]);
  });
  it('TestLazyRequiredMessageDoesNotWarn', () => {
    const out = Substitute('${A?${B}}', (key) => (key === 'A' ? 'value' : undefined));
    assert.deepEqual([out.result, out.err, out.warned], ['value', undefined, false]);
  });
  it('TestEmptyValueWithSoftDefault', () => ok('ok ${BAR:-def}', 'ok def'));
  it('TestValueWithSoftDefault', () => ok('ok ${FOO:-def}', 'ok first'));
  it('TestEmptyValueWithHardDefault', () => ok('ok ${BAR-def}', 'ok '));
  it('TestPresentValueWithUnset', () => ok('ok ${UNSET_VAR:+presence_value}', 'ok '));
  it('TestPresentValueWithUnset2', () => ok('ok ${UNSET_VAR+presence_value}', 'ok '));
  it('TestPresentValueWithNonEmpty', () => ok('ok ${FOO:+presence_value}', 'ok presence_value'));
  it('TestPresentValueAndNonEmptyWithNonEmpty', () => ok('ok ${FOO+presence_value}', 'ok presence_value'));
  it('TestPresentValueWithSet', () => ok('ok ${BAR+presence_value}', 'ok presence_value'));
  it('TestPresentValueAndNotEmptyWithSet', () => ok('ok ${BAR:+presence_value}', 'ok '));
  it('TestNonAlphanumericDefault', () => ok('ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'));
  it('TestInterpolationExternalInterference', () => {
    const cases: Array<[string, string]> = [
      ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
      ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
      ['-ok ${FOO:-defaultValue}', '-ok first'],
      [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
      [':-ok ${BAR-defaultValue}', ':-ok '],
      [':?ok ${BAR-defaultValue}', ':?ok '],
      [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
      [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
      ['+ok ${BAR-defaultValue}', '+ok '],
      ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
    ];
    for (const [template, expected] of cases) ok(template, expected);
  });
  it('TestDefaultsWithNestedExpansion', () => {
    const cases: Array<[string, string]> = [
      ['ok ${UNSET_VAR-$FOO}', 'ok first'],
      ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
      ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
      ['ok ${BAR:-$FOO}', 'ok first'],
      ['ok ${BAR:-${FOO}}', 'ok first'],
      ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
      ['ok ${BAR+$FOO}', 'ok first'],
      ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
    ];
    for (const [template, expected] of cases) ok(template, expected);
  });
  it('TestMandatoryVariableErrors', () => {
    const cases: Array<[string, string]> = [
      ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
      ['not ok ${BAR:?Mandatory Variable Empty}', 'required variable BAR is missing a value: Mandatory Variable Empty'],
      ['not ok ${UNSET_VAR:?}', 'required variable UNSET_VAR is missing a value'],
      ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'required variable UNSET_VAR is missing a value: Mandatory Variable Unset'],
      ['not ok ${UNSET_VAR?}', 'required variable UNSET_VAR is missing a value'],
    ];
    for (const [template, expected] of cases) {
      const { err, kind } = Substitute(template);
      assert.equal(err, expected, template);
      assert.equal(kind, 'required', template);
    }
  });
  it('TestMandatoryVariableErrorsWithNestedExpansion', () => {
    for (const template of ['not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}', 'not ok ${UNSET_VAR?Mandatory Variable ${FOO}}']) {
      const { err, kind } = Substitute(template);
      assert.equal(err, 'required variable UNSET_VAR is missing a value: Mandatory Variable first', template);
      assert.equal(kind, 'required', template);
    }
  });
  it('TestDefaultsForMandatoryVariables', () => {
    ok('ok ${FOO:?err}', 'ok first');
    ok('ok ${FOO?err}', 'ok first');
    ok('ok ${BAR?err}', 'ok ');
  });
  it('TestSubstituteWithReplacementFunc (its default-function case)', () => ok('ok ${SUBDOMAIN:-redis}.${FOO:?}', 'ok redis.first'));
  it('TestPrecedence', () => {
    const { result, err } = Substitute('${UNSET_VAR?bar-baz}');
    assert.deepEqual([result, err], ['', 'required variable UNSET_VAR is missing a value: bar-baz']);
    ok('${UNSET_VAR-myerror?msg}', 'myerror?msg');
    ok('${FOO?bar-baz}', 'first');
    ok('${BAR:-default_value_for_empty_var}', 'default_value_for_empty_var');
    ok('${UNSET_VAR-default_value_for_unset_var}', 'default_value_for_unset_var');
  });
  it('TestSubstitutionFunctionChoice (the operator chosen, read from what it does)', () => {
    const cases: Array<[string, string]> = [
      ['VARNAME:?val?ue', ':?'],
      ['VARNAME?val:?ue', '?'],
      ['VARNAME?va-lu+e:?e', '?'],
      ['VARNAME?va+lu-e:?e', '?'],
      ['VARNAME:-value', ':-'],
      ['VARNAME-va:-lu:?e', '-'],
      ['VARNAME-va+lu?e', '-'],
      ['VARNAME-va?lu+e', '-'],
      ['VARNAME:+va:?lu:-e', ':+'],
      ['VARNAME+va:+lue', '+'],
      ['VARNAME+va?lu-e', '+'],
      ['VARNAME+va-lu?e', '+'],
    ];
    for (const [input, symbol] of cases) assert.equal(operatorOf(input), symbol, input);
  });
  it('TestNoValueWithCurlyBracesDefault', () => {
    for (const template of ['ok ${missing:-{"json":1}}', 'ok ${missing-{"json":1}}']) ok(template, 'ok {"json":1}');
  });
  it('TestValueWithCurlyBracesDefault', () => {
    for (const template of ['ok ${JSON:-{"json":1}}', 'ok ${JSON-{"json":1}}']) ok(template, 'ok {"json":2}');
  });
});

/** Which of the six operators `${input}` applies: its results with VARNAME unset and set to "" tell them apart. */
function operatorOf(input: string): string {
  const arg = input.slice(input.search(/[-+?:]/)).replace(/^:?[-+?]/, '');
  const unset = Substitute(`\${${input}}`, () => undefined);
  const empty = Substitute(`\${${input}}`, (name) => (name === 'VARNAME' ? '' : undefined));
  if (unset.kind === 'required') return empty.kind === 'required' ? ':?' : '?';
  if (unset.result === arg) return empty.result === arg ? ':-' : '-';
  return empty.result === arg ? '+' : ':+';
}
