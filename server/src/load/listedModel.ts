import { baseUrlOf } from './baseUrl';

/** The first model an OpenAI-compatible server lists (GET /v1/models), for a load test that names none. */
export async function listedModel(baseUrl: string, apiKey?: string, fetchImpl: typeof fetch = fetch): Promise<{ model?: string; status?: number; error?: string }> {
  try {
    const res = await fetchImpl(`${baseUrlOf(baseUrl)}/v1/models`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => undefined)) as { data?: { id?: unknown }[] } | undefined;
    const id = body?.data?.[0]?.id;
    return res.ok && typeof id === 'string' ? { model: id, status: res.status } : { status: res.status };
  } catch (e) {
    return { error: (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message };
  }
}
