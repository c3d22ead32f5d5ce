import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import { formatDuration } from '../core/duration';
import { describeEstimate, estimateColdStart } from '../engines/coldStart';
import type { NavigationDocuments } from './navigationIndex';
import type { DocumentSettings } from './settings';

const GIVE_UP_TOOLTIP =
  'How long after the container starts Docker marks it unhealthy if its probe keeps failing: start_period, then ' +
  'retries checks an interval apart (Docker’s defaults for what the healthcheck leaves out).';

/**
 * Inlay hints of a Compose document, for the requested range only: beside a model id, the service's estimated cold
 * start (none when nothing says how big the model is); beside `start_period`, when Docker gives up on the
 * container. `inferenceStack.inlayHints.enabled` turns them off.
 */
export class InlayHints {
  constructor(
    private readonly navigations: NavigationDocuments,
    private readonly settings: DocumentSettings,
  ) {}

  async provide(params: InlayHintParams): Promise<InlayHint[] | null> {
    const open = await this.navigations.get(params.textDocument.uri);
    if (!open || !(await this.settings.inlayHintsEnabled(params.textDocument.uri))) return null;
    const { nav, options } = open;
    const span = { start: nav.lines.offsetAt(params.range.start), end: nav.lines.offsetAt(params.range.end) };
    const inRange = (offset: number) => offset >= span.start && offset <= span.end;
    const hints: InlayHint[] = [];
    for (const facts of nav.factsIn(span)) {
      for (const mention of facts.models) {
        if (!inRange(mention.end)) continue;
        const estimate = estimateColdStart(options, mention.service, mention.model, mention.engine);
        if (estimate.source === 'default') continue;
        hints.push({
          position: nav.lines.positionAt(mention.end),
          label: `≈ cold start ${formatDuration(estimate.seconds)}`,
          paddingLeft: true,
          tooltip: `Estimated cold start of ${mention.service}: ${describeEstimate(estimate)}`,
        });
      }
      for (const giveUp of facts.giveUps) {
        if (!inRange(giveUp.at)) continue;
        hints.push({ position: nav.lines.positionAt(giveUp.at), label: `gives up after ${formatDuration(giveUp.seconds)}`, paddingLeft: true, tooltip: GIVE_UP_TOOLTIP });
      }
    }
    return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  }
}
