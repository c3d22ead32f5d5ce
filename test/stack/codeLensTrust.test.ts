/**
 * The "Start inference stack" code lens in a workspace opened untrusted (client/src/codeLensTrust.ts): hidden until
 * trust is granted, then asked for again at once, without an edit of the Compose file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshCodeLensesOnTrust } from '../../client/src/codeLensTrust';

describe('the Start lens after workspace trust is granted', () => {
  it('granting trust makes the editor ask for the code lenses of the open Compose files again, once per provider', () => {
    let grant: (() => void) | undefined;
    let listening = true;
    const fired: string[] = [];
    const provider = (name: string) => ({ onDidChangeCodeLensEmitter: { fire: () => fired.push(name) } });
    // One registration of the language client covers every Compose file; a Python file has none.
    const compose = provider('compose');
    const lenses: Record<string, ReturnType<typeof provider> | undefined> = { 'compose.yaml': compose, 'compose.override.yaml': compose, 'app.py': undefined };
    const sub = refreshCodeLensesOnTrust(
      (listener) => ((grant = listener), { dispose: () => void (listening = false) }),
      () => Object.keys(lenses),
      () => ({ getProvider: (doc: string) => lenses[doc] }),
    );
    assert.deepEqual(fired, [], 'nothing before trust');
    grant!();
    assert.deepEqual(fired, ['compose']);
    sub.dispose();
    assert.equal(listening, false);
  });
});
