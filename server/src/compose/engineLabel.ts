/**
 * The `inference-stack.engine` label: the author's word that a service serves a model with the engine it names
 * (a custom image built some way we cannot read, the demo's stand-in). The linter takes it as "this is a model
 * service" (the serving rules apply) but not as facts about the image, whose flags, env names, caches and
 * binaries stay unknown; the stack side also follows it for the probe, metrics and start-up milestones.
 */
import { ENGINES, type EngineSpec } from '../engines/engines';
import type { MapView } from './yamlView';

export const ENGINE_LABEL = 'inference-stack.engine';

/** The engine the service's label names (map or `KEY=VALUE` list form), when it is one we know. */
export function labelledEngine(service: MapView): EngineSpec | undefined {
  const labels = service.get('labels')?.value;
  const fromMap = labels?.asMap()?.text(ENGINE_LABEL);
  const fromList = labels?.asSeq()?.items().map((i) => i.text).find((t) => t?.startsWith(`${ENGINE_LABEL}=`))?.slice(ENGINE_LABEL.length + 1);
  const id = (fromMap ?? fromList)?.trim().toLowerCase();
  return id ? ENGINES.find((e) => e.id === id) : undefined;
}
