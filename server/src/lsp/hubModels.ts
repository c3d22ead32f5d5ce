/**
 * config.json of models the table lacks, fetched from the Hugging Face Hub for the memory estimate, only when the
 * person turned on `inferenceStack.modelFacts.fromHub` (a machine setting: a workspace cannot turn it on). The fetch
 * is engines/fit/hubFetch.ts's (HF_ENDPOINT, no token, bounded); each id is asked once per server, and a finished fetch
 * re-runs the analyses that may use it.
 */
import { fetchHubConfig, hubEndpoint } from '../engines/fit/hubFetch';

/** At most this many ids are asked for per server: a file of thousands of services is not a reason to ask as many. */
const MAX_IDS = 200;

export class HubModelConfigs {
  private readonly configs: Record<string, string> = {};
  private readonly asked = new Set<string>();

  constructor(
    private readonly onFetched: () => void,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The configs fetched so far, by model id (what analyses read as AnalysisOptions.hubModelConfigs). */
  snapshot(): Readonly<Record<string, string>> {
    return { ...this.configs };
  }

  /** Asks the Hub for each id not asked before; calls onFetched once some arrived. */
  want(ids: Iterable<string>): void {
    const fresh = [...new Set(ids)].filter((id) => !this.asked.has(id)).slice(0, Math.max(0, MAX_IDS - this.asked.size));
    if (!fresh.length) return;
    for (const id of fresh) this.asked.add(id);
    const endpoint = hubEndpoint();
    void Promise.all(fresh.map(async (id) => {
      const answer = await fetchHubConfig(id, endpoint, this.fetchImpl);
      if (answer.ok) this.configs[id] = answer.text;
      return answer.ok;
    })).then((got) => {
      if (got.some(Boolean)) this.onFetched();
    });
  }
}
