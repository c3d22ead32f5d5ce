/** Part of compose-go's checkConsistency (loader/validate.go): the references a project must resolve. */
import { ComposeError, get, isNull, MapNode, stringOf } from './tree';

const INVALID = 'invalid compose project';

export function checkConsistency(model: MapNode, disabled: readonly string[]): void {
  const services = get(model, 'services');
  if (services?.kind !== 'map') return;
  const networks = get(model, 'networks');
  for (const name of [...services.entries.keys()].sort()) {
    const service = services.entries.get(name)!.value;
    if (service.kind !== 'map') continue;
    if (isNull(get(service, 'build')) && !stringOf(get(service, 'image')) && isNull(get(service, 'provider'))) {
      throw new ComposeError(`service ${JSON.stringify(name)} has neither an image nor a build context specified: ${INVALID}`, service.origin);
    }
    const serviceNetworks = get(service, 'networks');
    if (stringOf(get(service, 'network_mode')) && serviceNetworks?.kind === 'map' && serviceNetworks.entries.size) {
      throw new ComposeError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: ${INVALID}`, service.origin);
    }
    if (serviceNetworks?.kind === 'map') {
      for (const [network, entry] of serviceNetworks.entries) {
        if (networks?.kind !== 'map' || !networks.entries.has(network)) throw new ComposeError(`service ${JSON.stringify(name)} refers to undefined network ${network}: ${INVALID}`, entry.keyOrigin);
      }
    }
    const test = get(service, 'healthcheck');
    const first = test?.kind === 'map' ? get(test, 'test') : undefined;
    const word = first?.kind === 'seq' ? stringOf(first.items[0]) : undefined;
    if (word !== undefined && !['CMD', 'CMD-SHELL', 'NONE'].includes(word)) throw new ComposeError('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', first!.origin);
    const dependsOn = get(service, 'depends_on');
    if (dependsOn?.kind !== 'map') continue;
    for (const [dependency, entry] of dependsOn.entries) {
      if (services.entries.has(dependency)) continue;
      const required = entry.value.kind === 'map' ? get(entry.value, 'required') : undefined;
      if (disabled.includes(dependency) && required?.kind === 'scalar' && required.value === false) continue;
      throw new ComposeError(`service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dependency)}: ${INVALID}`, entry.keyOrigin);
    }
  }
}
