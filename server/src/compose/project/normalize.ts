/**
 * compose-go's Normalize (loader/normalize.go): what `docker compose config` adds to a loaded model: the `default`
 * network for services without one, build defaults, `environment` and `build.args` entries without a value taken
 * from the project's variables, `depends_on` implied by `links`, `network_mode: service:x` and `volumes_from`, and
 * the names of networks, volumes, configs and secrets (`<project>_<key>`).
 */
import { setDefault } from './canonical';
import { cleanPath } from './canonical';
import { get, isNull, MapNode, mapNode, Origin, ProjectNode, scalar, stringOf } from './tree';

export function normalize(dict: MapNode, env: ReadonlyMap<string, string>): void {
  normalizeNetworks(dict);
  const services = get(dict, 'services');
  if (services?.kind === 'map') {
    for (const entry of services.entries.values()) if (entry.value.kind === 'map') normalizeService(entry.value, env);
  }
  setNameFromKey(dict);
}

function normalizeService(service: MapNode, env: ReadonlyMap<string, string>): void {
  const pull = service.entries.get('pull_policy');
  if (pull && stringOf(pull.value) === 'if_not_present') pull.value = scalar('missing', pull.value.origin);
  const build = get(service, 'build');
  if (build?.kind === 'map') {
    setDefault(build, 'context', '.');
    if (isNull(get(build, 'dockerfile')) && isNull(get(build, 'dockerfile_inline'))) setDefault(build, 'dockerfile', 'Dockerfile');
    const args = build.entries.get('args');
    if (args) args.value = resolveValues(args.value, env, false);
  }
  const environment = service.entries.get('environment');
  if (environment) environment.value = resolveValues(environment.value, env, true);

  const dependsOn = get(service, 'depends_on')?.kind === 'map' ? (get(service, 'depends_on') as MapNode) : mapNode(service.origin);
  const implied = (name: string, restart: boolean, origin: Origin) => {
    if (dependsOn.entries.has(name)) return;
    const value = mapNode(origin, [
      ['condition', { keyOrigin: origin, value: scalar('service_started', origin) }],
      ['restart', { keyOrigin: origin, value: scalar(restart, origin) }],
      ['required', { keyOrigin: origin, value: scalar(true, origin) }],
    ]);
    dependsOn.entries.set(name, { keyOrigin: origin, value });
  };
  const links = get(service, 'links');
  if (links?.kind === 'seq') {
    for (const link of links.items) {
      const parts = (stringOf(link) ?? '').split(':');
      implied(parts.length === 2 ? parts[0]! : (stringOf(link) ?? ''), true, link.origin);
    }
  }
  for (const namespace of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
    const ref = get(service, namespace);
    const text = stringOf(ref);
    if (text?.startsWith('service:')) implied(text.slice('service:'.length), true, ref!.origin);
  }
  const volumes = get(service, 'volumes');
  if (volumes?.kind === 'seq') {
    for (const volume of volumes.items) {
      const target = volume.kind === 'map' ? volume.entries.get('target') : undefined;
      if (target && stringOf(target.value) !== undefined) target.value = { ...target.value, value: cleanPath(stringOf(target.value)!) } as ProjectNode;
    }
  }
  const volumesFrom = get(service, 'volumes_from');
  if (volumesFrom?.kind === 'seq') {
    for (const v of volumesFrom.items) {
      const text = stringOf(v) ?? '';
      if (!text.startsWith('container:')) implied(text.split(':')[0]!, false, v.origin);
    }
  }
  if (dependsOn.entries.size && !service.entries.has('depends_on')) service.entries.set('depends_on', { keyOrigin: dependsOn.origin, value: dependsOn });
  inheritPreStartImage(service);
}

function inheritPreStartImage(service: MapNode): void {
  const hooks = get(service, 'pre_start');
  const image = get(service, 'image');
  if (hooks?.kind !== 'seq' || !stringOf(image)) return;
  for (const hook of hooks.items) if (hook.kind === 'map' && !hook.entries.has('image')) hook.entries.set('image', { keyOrigin: hook.origin, value: image! });
}

/** An entry without a value takes the project's variable; without one it is kept as null (`environment`) or dropped. */
function resolveValues(node: ProjectNode, env: ReadonlyMap<string, string>, keepEmpty: boolean): ProjectNode {
  if (node.kind === 'seq') {
    node.items = node.items.flatMap((item) => {
      const text = stringOf(item);
      if (text === undefined || text.includes('=')) return [item];
      const value = env.get(text);
      if (value !== undefined) return [{ ...scalar(`${text}=${value}`, item.origin), raw: text }];
      return keepEmpty ? [item] : [];
    });
  } else if (node.kind === 'map') {
    for (const [key, entry] of [...node.entries]) {
      if (!isNull(entry.value)) continue;
      const value = env.get(key);
      if (value !== undefined) entry.value = { ...scalar(value, entry.value.origin), raw: `\${${key}}` };
      else if (!keepEmpty) node.entries.delete(key);
    }
  }
  return node;
}

function normalizeNetworks(dict: MapNode): void {
  const existing = get(dict, 'networks');
  const networks = existing?.kind === 'map' ? existing : mapNode(dict.origin);
  let usesDefault = false;
  const services = get(dict, 'services');
  if (services?.kind === 'map') {
    for (const entry of services.entries.values()) {
      const service = entry.value;
      if (service.kind !== 'map' || service.entries.has('provider') || service.entries.has('network_mode')) continue;
      const nets = get(service, 'networks');
      if (!nets || (nets.kind === 'map' && nets.entries.size === 0) || isNull(nets)) {
        service.entries.set('networks', { keyOrigin: service.origin, value: mapNode(service.origin, [['default', { keyOrigin: service.origin, value: scalar(null, service.origin) }]]) });
        usesDefault = true;
      } else if (nets.kind === 'map' && nets.entries.has('default')) usesDefault = true;
    }
  }
  if (usesDefault && !networks.entries.has('default')) networks.entries.set('default', { keyOrigin: dict.origin, value: scalar(null, dict.origin) });
  if (networks.entries.size) dict.entries.set('networks', { keyOrigin: existing ? dict.entries.get('networks')!.keyOrigin : dict.origin, value: networks });
}

function setNameFromKey(dict: MapNode): void {
  const project = stringOf(get(dict, 'name')) ?? '';
  for (const kind of ['networks', 'volumes', 'configs', 'secrets']) {
    const top = get(dict, kind);
    if (top?.kind !== 'map') continue;
    for (const [key, entry] of top.entries) {
      const resource = entry.value.kind === 'map' ? entry.value : mapNode(entry.value.origin);
      entry.value = resource;
      if (!isNull(get(resource, 'name'))) continue;
      const external = get(resource, 'external');
      const name = external?.kind === 'scalar' && external.value === true ? key : `${project}_${key}`;
      resource.entries.set('name', { keyOrigin: entry.keyOrigin, value: scalar(name, entry.keyOrigin) });
    }
  }
}
