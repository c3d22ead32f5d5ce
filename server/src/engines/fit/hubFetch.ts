/**
 * config.json of models the table lacks, from the Hugging Face Hub, only where the person asked for network access
 * (`inference-stack fit --hub`, the machine setting `inferenceStack.modelFacts.fromHub`). The endpoint is huggingface_hub's: HF_ENDPOINT, else https://huggingface.co
 * (a mirror or a test server answers the same path). No token is sent: a gated or private model is reported as
 * not fetched rather than have a credential go to whatever HF_ENDPOINT names. Each answer is bounded in time and size.
 */
import { isHubId } from './hfConfig';
import { withoutTrailingSlashes } from '../../core/trailingSlashes';

const DEFAULT_ENDPOINT = 'https://huggingface.co';
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

export type HubAnswer = { ok: true; text: string } | { ok: false; reason: string };

export function hubEndpoint(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return withoutTrailingSlashes(env.HF_ENDPOINT?.trim() || DEFAULT_ENDPOINT);
}

/** `<endpoint>/<id>/resolve/main/config.json`, as huggingface_hub's hf_hub_url builds it. */
export async function fetchHubConfig(id: string, endpoint: string, fetchImpl: typeof fetch = fetch): Promise<HubAnswer> {
  if (!isHubId(id)) return { ok: false, reason: `"${id}" is not a Hub id` };
  const url = `${endpoint}/${id}/resolve/main/config.json`;
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
    if (response.status === 401 || response.status === 403) return { ok: false, reason: `the Hub did not give ${id}'s config.json (HTTP ${response.status}: gated or private; no token is sent)` };
    if (!response.ok) return { ok: false, reason: `the Hub answered HTTP ${response.status} for ${id}'s config.json` };
    const text = await boundedText(response);
    return text === undefined ? { ok: false, reason: `${id}'s config.json is larger than ${MAX_BYTES} bytes` } : { ok: true, text };
  } catch (err) {
    return { ok: false, reason: `the Hub could not be reached for ${id} (${(err as Error).name === 'TimeoutError' ? 'no answer in time' : (err as Error).message})` };
  }
}

async function boundedText(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
