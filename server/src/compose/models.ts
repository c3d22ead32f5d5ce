import type { Span } from '../core/types';
import type { ComposeFile } from './composeFile';
import { interpolate } from './interpolation';
import { serviceReferences } from './references';
import type { PlannedModel } from './stackPlanTypes';
import type { MapView, ValueView } from './yamlView';

/**
 * Docker Model Runner in Compose (2.35+): the top-level `models:` map, a service's `models:` (the models it is a
 * client of) and `provider:` services (whose lifecycle a plugin manages: `type: model` asks Model Runner for a
 * model). Source: compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 `types/models.go` (ModelConfig,
 * ServiceModelConfig), `types/types.go` (ServiceProviderConfig), `schema/compose-spec.json` (`$defs.model`,
 * `service.models`, `service.provider`), `transform/canonical.go` (`services.*.models` list → map).
 */

/** One entry of the top-level `models:` map. */
export interface ModelDefinition {
  /** The key services refer to. */
  name: string;
  keyAt: Span;
  /** `model:` (required by the schema): the OCI reference Model Runner pulls, e.g. `ai/smollm2`. */
  model: string | undefined;
  /** `context_size:` as written. */
  contextSize: ValueView | undefined;
  /** `runtime_flags:`, the raw flags handed to the inference engine. */
  runtimeFlags: string[];
}

/** The top-level `models:` definitions, in file order. */
export function modelDefinitions(file: ComposeFile): ModelDefinition[] {
  const models = file.root?.map('models');
  if (!models) return [];
  return models.entries().map((entry) => {
    const def = entry.value.asMap();
    return {
      name: entry.key,
      keyAt: entry.keyAt,
      model: def?.text('model'),
      contextSize: def?.value('context_size'),
      runtimeFlags: (def?.seq('runtime_flags')?.items() ?? []).flatMap((i) => (i.text !== undefined ? [i.text] : [])),
    };
  });
}

/** A model a service uses: an item of the short list, or a key of the long form. */
export interface ServiceModelRef {
  name: string;
  /** The list item or the map key. */
  at: Span;
  /** Long form `endpoint_var` / `model_var`: the env vars that receive the model's URL and name. */
  endpointVar: string | undefined;
  modelVar: string | undefined;
}

/** The models a service's `models:` refers to (short list or long map). */
export function serviceModelRefs(service: MapView): ServiceModelRef[] {
  const value = service.value('models');
  const list = value?.asSeq();
  if (list) {
    return list.items().flatMap((item) => (item.text !== undefined ? [{ name: item.text, at: item.at, endpointVar: undefined, modelVar: undefined }] : []));
  }
  return (value?.asMap()?.entries() ?? []).map((entry) => {
    const config = entry.value.asMap();
    return { name: entry.key, at: entry.keyAt, endpointVar: config?.text('endpoint_var'), modelVar: config?.text('model_var') };
  });
}

/** `provider:`: the service is not a container Compose runs but a capability a provider plugin sets up. */
export interface ServiceProvider {
  /** `type:` (required by the schema), e.g. `model`. */
  type: string | undefined;
  options: MapView | undefined;
  at: Span;
}

export function serviceProvider(service: MapView): ServiceProvider | undefined {
  const entry = service.get('provider');
  if (!entry) return undefined;
  const map = entry.value.asMap();
  return { type: map?.text('type'), options: map?.map('options'), at: entry.keyAt };
}

/** A `provider:` service of `type: model`: Docker Model Runner serves the model named in its options. */
export function isModelProvider(provider: ServiceProvider | undefined): boolean {
  return provider?.type === 'model';
}

/**
 * The models Model Runner serves for the file, for the stack plan: each top-level model with the services that
 * name it in `models:`, then each `provider:` service of `type: model` with the services that `depends_on` it.
 * `vars` interpolate the model reference (left out when a variable is unset).
 */
export function plannedModels(file: ComposeFile, vars: ReadonlyMap<string, string>): PlannedModel[] {
  const resolve = (raw: string | undefined) => (raw === undefined ? undefined : interpolate(raw, vars) || undefined);
  const users = (section: 'models' | 'services', name: string) =>
    file.services.filter((s) => serviceReferences(s.map).some((r) => r.section === section && r.name === name && r.via !== 'extends')).map((s) => s.name);
  const planned: PlannedModel[] = modelDefinitions(file).map((def) => withModel({ name: def.name, usedBy: users('models', def.name), source: 'models' }, resolve(def.model)));
  for (const service of file.services) {
    const provider = serviceProvider(service.map);
    if (!isModelProvider(provider)) continue;
    planned.push(withModel({ name: service.name, usedBy: users('services', service.name), source: 'provider' }, resolve(provider!.options?.text('model'))));
  }
  return planned;
}

function withModel(model: PlannedModel, reference: string | undefined): PlannedModel {
  return reference === undefined ? model : { ...model, model: reference };
}
