/**
 * The web page of an image or a model named in a Compose file, for document links. Only references that are
 * well-formed as written get a page: nothing holding a blank, a `${VAR}` or a character a registry refuses, so a
 * link never points anywhere a crafted value chooses (always https, always one of the hosts below).
 */

/** A path component of an image name (distribution/reference grammar), lower case only. */
const IMAGE_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** Hugging Face repo ids (huggingface_hub validate_repo_id): `owner/name`, letters, digits, `-`, `_`, `.`. */
const HF_PART = /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9_])?$/;

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface PageLink {
  url: string;
  /** Plain text for the link's tooltip. */
  tooltip: string;
}

/** `registry/path:tag@digest` → registry (undefined: Docker Hub) and path; undefined when it is not well-formed. */
function splitImage(ref: string): { registry: string | undefined; path: string[] } | undefined {
  if (!/^[\w.:/@+-]+$/.test(ref)) return undefined;
  let rest = ref.split('@')[0]!;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    if (!/^[\w][\w.-]{0,127}$/.test(rest.slice(colon + 1))) return undefined;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0]!;
  const registry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.toLowerCase() : undefined;
  const path = registry ? parts.slice(1) : parts;
  if (!path.length || !path.every((p) => IMAGE_COMPONENT.test(p))) return undefined;
  return { registry, path };
}

/**
 * The registry page of an image: Docker Hub (`_/<name>` for official images), GitHub's (ghcr.io answers a browser
 * with the package page), NVIDIA NGC's catalog (nvcr.io), Quay; other registries have no page we know.
 */
export function imagePage(ref: string): PageLink | undefined {
  const image = splitImage(ref);
  if (!image) return undefined;
  const { registry, path } = image;
  const name = path.join('/');
  if (registry === undefined || DOCKER_HUB_HOSTS.has(registry)) {
    if (path.length === 1 || (path.length === 2 && path[0] === 'library')) return { url: `https://hub.docker.com/_/${path[path.length - 1]}`, tooltip: `Docker Hub: ${path[path.length - 1]}` };
    return path.length === 2 ? { url: `https://hub.docker.com/r/${name}`, tooltip: `Docker Hub: ${name}` } : undefined;
  }
  if (registry === 'ghcr.io' && path.length >= 2) return { url: `https://ghcr.io/${name}`, tooltip: `GitHub Container Registry: ${name}` };
  if (registry === 'quay.io' && path.length === 2) return { url: `https://quay.io/repository/${name}`, tooltip: `Quay: ${name}` };
  if (registry === 'nvcr.io' && (path.length === 2 || path.length === 3)) {
    // nvcr.io/<org>[/<team>]/<name>
    const [org, team, repo] = path.length === 3 ? path : [path[0], undefined, path[1]];
    return { url: `https://catalog.ngc.nvidia.com/orgs/${org}${team ? `/teams/${team}` : ''}/containers/${repo}`, tooltip: `NVIDIA NGC: ${name}` };
  }
  if ((registry === 'hf.co' || registry === 'huggingface.co') && path.length === 2) return huggingFacePage(name);
  return undefined;
}

/**
 * The Hugging Face page of a model id written `owner/name` (llama.cpp's `-hf owner/name:Q4_K_M` names a
 * quantisation after the colon); undefined for anything else (a local path, a URL, a bare name).
 */
export function huggingFacePage(id: string): PageLink | undefined {
  const repo = id.replace(/:[\w.-]+$/, '');
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts.every((p) => HF_PART.test(p) && !p.includes('--') && !p.includes('..'))) return undefined;
  if (repo.endsWith('.git')) return undefined;
  return { url: `https://huggingface.co/${repo}`, tooltip: `Hugging Face: ${repo}` };
}
