import type { ComposeFile } from '../compose/composeFile';
import type { Span } from '../core/types';

export interface ServiceExtent {
  name: string;
  /** The service's name key. */
  keyAt: Span;
  /** From its key to the next service's key (the last one: to the end of `services:`). */
  start: number;
  end: number;
}

/**
 * Which service of a parsed Compose file each offset falls in: by the services' extents, in file order. A file of
 * several YAML documents is given as the parse of each (yamlDocuments.ts partText: the file's offsets kept).
 */
export class ServiceExtents {
  private readonly extents: ServiceExtent[];

  constructor(files: ComposeFile | readonly ComposeFile[]) {
    this.extents = (Array.isArray(files) ? files : [files]).flatMap(extentsOf).sort((a, b) => a.start - b.start);
  }

  /** The service whose extent holds `offset`. */
  at(offset: number): ServiceExtent | undefined {
    let lo = 0;
    let hi = this.extents.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.extents[mid]!;
      if (offset < e.start) hi = mid - 1;
      else if (offset >= e.end) lo = mid + 1;
      else return e;
    }
    return undefined;
  }
}

function extentsOf(file: ComposeFile): ServiceExtent[] {
  const servicesEnd = file.root?.map('services')?.at.end ?? file.text.length;
  const sorted = [...file.services].sort((a, b) => a.keyAt.start - b.keyAt.start);
  return sorted.map((s, i) => ({ name: s.name, keyAt: s.keyAt, start: s.keyAt.start, end: sorted[i + 1]?.keyAt.start ?? Math.max(servicesEnd, s.keyAt.end) }));
}
