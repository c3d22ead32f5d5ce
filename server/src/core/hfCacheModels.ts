import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathInside } from './boundedFile';

/** At most this many model ids from one folder: a completion list, not an inventory. */
const MAX_MODELS = 200;

/**
 * The models a Hugging Face cache folder holds, as `org/name`: the hub keeps each repository in `models--org--name`
 * (huggingface_hub `file_download.py` `repo_folder_name`), either in the folder itself (TGI's `/data`) or in its
 * `hub/` (a mounted `~/.cache/huggingface`). Only folders inside `root` are listed (real paths, links resolved), and
 * only their names are read: nothing outside the workspace, no file opened.
 */
export function modelsInCache(folder: string, root: string): string[] {
  const models = new Set<string>();
  for (const candidate of [folder, join(folder, 'hub')]) {
    const real = pathInside(root, candidate);
    if (!real) continue;
    let names: string[];
    try {
      names = readdirSync(real);
    } catch {
      continue;
    }
    for (const name of names) {
      const id = repoIdOf(name);
      if (id) models.add(id);
      if (models.size >= MAX_MODELS) break;
    }
  }
  return [...models].sort();
}

/** `models--meta-llama--Llama-3.1-8B-Instruct` → `meta-llama/Llama-3.1-8B-Instruct`; other names → undefined. */
export function repoIdOf(folderName: string): string | undefined {
  if (!folderName.startsWith('models--')) return undefined;
  const parts = folderName.slice('models--'.length).split('--');
  return parts.length >= 1 && parts.every((p) => p !== '') ? parts.join('/') : undefined;
}
