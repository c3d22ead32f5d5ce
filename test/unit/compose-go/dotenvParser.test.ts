// Ported from compose-spec/compose-go dotenv/parser_test.go at e70e961c3a3acebf0800b882f1afb3dbf1fb74a2
// (Apache-2.0; see SOURCES.md). TestMemoryExplosion measures Go's allocator; here it keeps its size check and
// asserts the parse stays linear instead (10× the lines must not cost 100× the time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDotEnvFile } from '../../../server/src/compose/dotenv';

describe('compose-go parser_test.go', () => {
  it('TestParseBytes', () => {
    const testInput = '\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n';
    const { env, errors } = parseDotEnvFile(testInput);
    assert.deepEqual(errors, []);
    assert.deepEqual(Object.fromEntries(env), { a: 'b', 'a[1]': 'c', 'a.propertyKey': 'd', 'árvíztűrő-TÜKÖRFÚRÓGÉP': 'ÁRVÍZTŰRŐ-tükörfúrógép' });
  });
  it('TestParseVariable', () => {
    assert.equal(parseDotEnvFile('%!(EXTRA string)=foo').errors[0]?.message, 'line 1: unexpected character "%" in variable name "%!(EXTRA string)=foo"');
  });
  it('TestMemoryExplosion', () => {
    const lines = (size: number) => Array.from({ length: size }, (_, i) => `KEY${i}=VALUE${i}`).join('\n');
    assert.equal(parseDotEnvFile(lines(1000)).env.size, 1000);
    const time = (size: number) => {
      const text = lines(size);
      const started = process.hrtime.bigint();
      parseDotEnvFile(text);
      return Number(process.hrtime.bigint() - started);
    };
    time(20_000);
    assert.ok(time(200_000) < 100 * Math.max(time(20_000), 1e6), 'parsing stays linear in the number of lines');
  });
});
