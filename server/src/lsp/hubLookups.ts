/**
 * Which model ids of an open Compose file to ask the Hub about (HubModelConfigs), where the person allowed it: vLLM
 * services whose model is a Hub id that neither the table nor a folder the service mounts from the project knows.
 * Looked up when a file opens and a moment after typing stops, not on every keystroke.
 */
import { isHubId } from '../engines/fit/hfConfig';
import { modelFacts } from '../engines/fit/modelFacts';
import type { HubModelConfigs } from './hubModels';
import type { NavigationDocuments } from './navigationIndex';
import type { DocumentSettings } from './settings';

const AFTER_TYPING_MS = 1500;

export class HubLookups {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly settings: DocumentSettings,
    private readonly navigations: NavigationDocuments,
    private readonly hub: HubModelConfigs,
  ) {}

  /** Looks the document's models up after `delayMs` (again from zero when called before it ran). */
  soon(uri: string, delayMs = AFTER_TYPING_MS): void {
    clearTimeout(this.timers.get(uri));
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      void this.lookUp(uri).catch(() => undefined);
    }, delayMs);
    timer.unref();
    this.timers.set(uri, timer);
  }

  private async lookUp(uri: string): Promise<void> {
    if (!(await this.settings.hubAllowed(uri))) return;
    const facts = await (await this.navigations.get(uri))?.nav.all();
    if (!facts) return;
    this.hub.want(facts.models.filter((m) => m.engine === 'vllm' && !m.fit && isHubId(m.model) && !modelFacts(m.model)).map((m) => m.model));
  }
}
