import { isAbsolute, join, resolve } from 'node:path';
import { interpolate } from './interpolation';
import type { ServiceInfo } from './service';
import { serviceMounts, type Mount, type ServiceMounts } from './volumes';

/** A folder of the host a service bind-mounts: its absolute path, the source as the file writes it, and the mount. */
export interface MountedFolder {
  path: string;
  written: string;
  mount: Mount;
}

/**
 * The host folders of a service's bind mounts, resolved as Compose resolves them (`${VAR}` from the variables,
 * relative to the Compose file's folder, `~` in `home`; without `home`, `~` is left out). Also the service's
 * `volumes` entry, for callers that read more of each item.
 */
export function mountedFolders(info: ServiceInfo, vars: ReadonlyMap<string, string>, composeDir: string, home?: string): { folders: MountedFolder[]; entry: ServiceMounts['entry'] } {
  const { entry, mounts } = serviceMounts(info.service.map, vars);
  const folders: MountedFolder[] = [];
  for (const mount of mounts) {
    if (mount.type !== 'bind' || mount.source === undefined) continue;
    const source = interpolate(mount.source, vars);
    if (!source) continue;
    const path = hostPath(source, composeDir, home);
    if (path) folders.push({ path, written: mount.source, mount });
  }
  return { folders, entry };
}

function hostPath(source: string, composeDir: string, home: string | undefined): string | undefined {
  if (source === '~' || source.startsWith('~/')) return home ? join(home, source.slice(1)) : undefined;
  return isAbsolute(source) ? resolve(source) : resolve(composeDir, source);
}
