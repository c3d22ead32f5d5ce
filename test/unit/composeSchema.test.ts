/**
 * The vendored Compose schema is compose-go's, unchanged, and the validator the server runs is the one
 * scripts/gen-compose-schema.mjs compiles from it now (server/src/compose/schema/README.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../corpus/invariants';

const folder = join(REPO_ROOT, 'server', 'src', 'compose', 'schema');

describe('the vendored Compose schema', () => {
  it('is compose-go e70e961 schema/compose-spec.json byte for byte (the hash its README records)', () => {
    const hash = createHash('sha256').update(readFileSync(join(folder, 'compose-spec.json'))).digest('hex');
    assert.ok(readFileSync(join(folder, 'README.md'), 'utf8').includes(hash), `compose-spec.json changed (sha256 ${hash}): update README.md's source and hash`);
  });

  it('compiles to the committed composeSchema.generated.ts', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen-compose-schema.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
});
