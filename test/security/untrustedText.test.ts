/**
 * Issue 15, finding 1: a command link hidden in text the workspace or a container chose must never become a link.
 * VS Code renders `[label](command:…)` (and http(s):, file:) in a notification's message as a link that runs the
 * command on one click, in Restricted Mode too. Each text that reaches a notification is fed such payloads here and
 * VS Code's own link pattern must find nothing in what would be shown; names are checked by Compose's rule before
 * they are used. (Tree items, hovers and diagnostics show plain text: test/e2e/command-link.mjs checks them in a
 * real VS Code.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planStack } from '../../server/src/compose/stackPlan';
import { invalidProbeCasesNotice, noProbePortNotice, probeNotice, startFailedNotice } from '../../client/src/stack/views/notices';
import { runProbe, type FetchLike, type ProbeCase } from '../../client/src/stack/probe/probe';
import { serviceRows, statusSummary, type SidebarInput } from '../../client/src/stack/views/sidebarModel';
import { failureReason } from '../../client/src/stack/runner/stackRunner';
import { isComposeName, notificationText } from '../../client/src/stack/trust/untrustedText';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * VS Code's link pattern, verbatim from microsoft/vscode src/vs/base/common/linkedText.ts (LINK_REGEX, used by
 * parseLinkedText), the same in code-server 4.100.3's workbench.js. Notifications first turn line breaks into
 * spaces (src/vs/workbench/common/notifications.ts, NotificationViewItem.parseNotificationMessage).
 */
const LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
function linksShown(message: string): string[] {
  return [...message.replace(/(\r\n|\n|\r)/gm, ' ').matchAll(LINK_REGEX)].map((m) => m[2]!);
}
/** What a notification shows: ui/notify.ts passes every message through notificationText. */
const shown = (message: string) => notificationText(message);

const SEND_SEQUENCE = 'command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D';
const PAYLOAD = `[Open the fix](${SEND_SEQUENCE})`;
const PAYLOADS = [
  PAYLOAD,
  `[x](${SEND_SEQUENCE})`,
  '[docs](https://example.invalid/fix)',
  '[docs](http://example.invalid/fix "the fix")',
  "[passwd](file:///etc/passwd 'passwd')",
  '[Reload](COMMAND:workbench.action.reloadWindow)',
  '[[inside brackets](command:workbench.action.reloadWindow)]',
  'a](command:x)[b](command:workbench.action.reloadWindow)',
  '[two\nlines](command:workbench.action.reloadWindow)',
  `${PAYLOAD}${PAYLOAD}`,
];

describe('the ported link pattern finds what VS Code would render as a link', () => {
  it('every payload is a link when shown as it is', () => {
    for (const p of PAYLOADS) assert.ok(linksShown(p).length > 0, p);
  });
});

describe('notificationText: no link, the text as typed', () => {
  it('breaks every payload, alone and inside a message, and keeps its text readable', () => {
    for (const p of PAYLOADS) {
      for (const message of [p, `Inference Stack: ${p} publishes no port`, `(${p})`, `${p}.`]) {
        const out = shown(message);
        assert.deepEqual(linksShown(out), [], out);
        assert.equal(out.replace(/ /g, ''), message.replace(/ /g, ''), 'only spaces are added');
      }
    }
    assert.equal(shown(PAYLOAD), `[Open the fix] (${SEND_SEQUENCE})`);
  });

  it('leaves no link in any text made of link pieces, and applying it twice changes nothing', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '](', 'command:', 'COMMAND:', 'http://', 'https://', 'file:', 'x', ' ', '"', "'", '\n', '\r\n', 'a b');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        const out = shown(text);
        return linksShown(out).length === 0 && shown(out) === out && out.replace(/ /g, '') === text.replace(/ /g, '');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('service names follow Compose\'s rule before they are used', () => {
  it('isComposeName accepts letters, digits, ".", "_", "-" and nothing else', () => {
    for (const ok of ['vllm', 'Model_1.large-v2', '0', '...']) assert.equal(isComposeName(ok), true, ok);
    for (const bad of ['', 'a b', 'vllm\n', 'modèle', 'a/b', 'a:b', ...PAYLOADS]) assert.equal(isComposeName(bad), false, bad);
  });

  const compose = `services:\n  ok:\n    image: nginx:1.27\n  "${PAYLOAD}":\n    image: vllm/vllm-openai:v0.11.0\n    ports: ["8000:8000"]\n`;
  const plan = planStack(compose, '/w/compose.yaml');

  it('the stack plan refuses a file with a service name Compose refuses, saying where, without echoing it', () => {
    assert.deepEqual(plan.services, []);
    assert.equal(
      plan.parseError,
      '/w/compose.yaml:4:3: not a valid service name: Compose accepts only letters, digits, ".", "_" and "-" in service names, and refuses this file',
    );
    assert.deepEqual(linksShown(shown(`Inference Stack: ${plan.parseError}`)), []);
  });

  it('the Services view and the status bar name no such service', () => {
    const input: SidebarInput = { state: { kind: 'ready' }, plan, statuses: [], now: 0 };
    const rows = serviceRows(input);
    assert.deepEqual(rows.map((r) => r.label), ['The Compose file does not parse']);
    const texts = [...rows.flatMap((r) => [r.label, r.description ?? '', r.tooltip ?? '']), ...Object.values(statusSummary(input))];
    for (const t of texts) assert.ok(!String(t).includes('command:'), String(t));
  });
});

describe('what a model server says reaches the probe notification as text', () => {
  const cases: ProbeCase[] = [{ name: PAYLOAD, messages: [{ role: 'user', content: 'Say the fix.' }], expect: 'fix' }];
  /** A model server answering the chat with `answer`, or with `status` and an OpenAI error body carrying `error`. */
  const server = (reply: { answer?: string; status?: number; error?: string; models?: string[] }): FetchLike => async (url) => {
    if (url.endsWith('/v1/models')) return new Response(JSON.stringify({ data: (reply.models ?? ['qwen']).map((id) => ({ id })) }));
    if (reply.status) return new Response(JSON.stringify({ error: { message: reply.error ?? '' } }), { status: reply.status });
    return new Response(JSON.stringify({ choices: [{ message: { content: reply.answer ?? '' }, finish_reason: 'stop' }] }));
  };
  const probeWith = (reply: Parameters<typeof server>[0]) => runProbe({ baseUrl: 'http://127.0.0.1:8000', cases, fetch: server(reply), timeoutMs: 2000 });

  for (const payload of PAYLOADS) {
    it(`answer, error body, model list and case name carrying ${JSON.stringify(payload.slice(0, 40))}`, async () => {
      const runs = [
        await probeWith({ answer: `The fix: ${payload}` }),
        await probeWith({ answer: payload.replace(/fix/gi, '') || 'no' }),
        await probeWith({ status: 500, error: payload }),
        await probeWith({ status: 404, error: `The model \`${payload}\` does not exist.` }),
        await runProbe({ baseUrl: 'http://127.0.0.1:8000', cases, fetch: async () => new Response(JSON.stringify({ error: payload }), { status: 401 }), timeoutMs: 2000 }),
        await probeWith({ answer: 'fix', models: [payload] }),
      ];
      assert.deepEqual(runs.map((r) => r.pass), [true, false, false, false, false, true]);
      for (const run of runs) {
        const message = shown(probeNotice('vllm', run));
        assert.deepEqual(linksShown(message), [], message);
      }
      // The text stays visible, as text.
      const oneLine = payload.replace(/\s+/g, ' ');
      const passed = shown(probeNotice('vllm', runs[0]!));
      // The answer in quotes as read (probe.ts quoteText), not JSON with its \" and \n.
      assert.ok(passed.includes(shown(`"The fix: ${oneLine.trim()}"`)), passed);
      assert.ok(shown(probeNotice('vllm', runs[2]!)).includes(`HTTP 500: ${shown(oneLine)}`));
    });
  }

  it('a server error thousands of characters long is cut short in the notification (the output has all of it)', async () => {
    const run = await probeWith({ status: 500, error: `${PAYLOAD} ${'x'.repeat(5000)}` });
    const message = shown(probeNotice('vllm', run));
    assert.ok(message.length < 400, `${message.length} characters`);
    assert.ok(message.startsWith(`Probe failed on vllm: HTTP 500: ${shown(PAYLOAD)} xxx`) && message.endsWith('… (the output has all of it)'), message);
  });

  it('probe cases named with a payload in the workspace settings, and the no-port message', () => {
    const message = shown(invalidProbeCasesNotice([[{ name: PAYLOAD, messages: [], expect: 'x' }, 0, 'a probe case needs at least one message']]));
    assert.equal(message, `Inference Stack: inferenceStack.probe.cases: [Open the fix] (${SEND_SEQUENCE}): a probe case needs at least one message`);
    assert.deepEqual(linksShown(shown(noProbePortNotice(PAYLOAD, 8000))), []);
  });
});

describe('what a container prints reaches the start notification as text', () => {
  it('a healthcheck whose output carries a payload', () => {
    const status = { service: 'vllm', replica: 1, containerId: 'c0', containerName: 'p-vllm-1', image: 'vllm/vllm-openai:v0.11.0', state: 'running' as const, health: 'unhealthy' as const, lastHealthOutput: PAYLOAD, restartCount: 0, ports: [] };
    const reason = failureReason('vllm', { status }, { crashLoopRestarts: 2 })!;
    const message = shown(startFailedNotice('demo', reason));
    assert.equal(message, `demo did not start: vllm is unhealthy: ${shown(PAYLOAD)}`);
    assert.deepEqual(linksShown(message), []);
  });
});

describe('every notification goes through ui/notify.ts', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const sources = files(join(ROOT, 'client', 'src')).map((f) => ({ file: relative(ROOT, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }));

  it('no other file calls showErrorMessage, showWarningMessage, showInformationMessage or a notification progress', () => {
    const direct = sources
      .filter((s) => s.file !== 'client/src/ui/notify.ts')
      .flatMap((s) => [...s.text.matchAll(/\.show(?:Error|Warning|Information)Message\b|ProgressLocation\.Notification/g)].map((m) => `${s.file}: ${m[0]}`));
    assert.deepEqual(direct, []);
  });

  it('no Markdown from the extension: tree items, hovers and the status bar get plain strings', () => {
    const markdown = sources.flatMap((s) => [...s.text.matchAll(/\bvscode\.MarkdownString\b|\bnew MarkdownString\b/g)].map((m) => `${s.file}: ${m[0]}`));
    assert.deepEqual(markdown, []);
  });
});
