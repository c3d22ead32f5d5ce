/** compose-go's format.ParseVolume (format/volume.go): a short `volumes:` entry taken apart. */
import { ComposeError, Origin } from './tree';

export interface VolumeSpec {
  type: 'bind' | 'volume';
  source?: string;
  target?: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean };
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const SELINUX = new Set(['z', 'Z']);

export function parseVolumeSpec(spec: string, origin?: Origin): VolumeSpec {
  const volume: VolumeSpec = { type: 'volume' };
  const chars = [...spec];
  if (chars.length === 0) throw new ComposeError('invalid empty volume spec', origin);
  if (spec.length <= 2) return { type: 'volume', target: spec, volume: {} };
  let buffer: string[] = [];
  let depth = 0;
  const END = '\0';
  const all = [...chars, END];
  for (let i = 0; i < all.length; i++) {
    const ch = all[i]!;
    if (ch === '$' && all[i + 1] === '{') {
      depth++;
      buffer.push(ch);
      continue;
    }
    if (ch === '}' && depth > 0) {
      depth--;
      buffer.push(ch);
      continue;
    }
    if (ch === ':' && buffer.length === 1 && /\p{L}/u.test(buffer[0]!)) buffer.push(ch);
    else if ((ch === ':' || ch === END) && depth === 0) {
      const problem = populate(ch === END, buffer.join(''), volume);
      if (problem) throw new ComposeError(`invalid spec: ${spec}: ${problem}`, origin);
      buffer = [];
    } else buffer.push(ch);
  }
  populateType(volume);
  return volume;
}

function populate(atEnd: boolean, text: string, volume: VolumeSpec): string | undefined {
  if (text === '') return 'empty section between colons';
  if (volume.source === undefined && atEnd) {
    volume.target = text;
    return undefined;
  }
  if (volume.source === undefined) {
    volume.source = text;
    return undefined;
  }
  if (volume.target === undefined) {
    volume.target = text;
    return undefined;
  }
  if (!atEnd) return 'too many colons';
  for (const option of text.split(',')) {
    if (option === 'ro') volume.read_only = true;
    else if (option === 'rw') delete volume.read_only;
    else if (option === 'nocopy') volume.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) volume.bind = { ...volume.bind, propagation: option };
    else if (SELINUX.has(option)) volume.bind = { ...volume.bind, selinux: option };
  }
  return undefined;
}

function populateType(volume: VolumeSpec): void {
  if (isFilePath(volume.source)) {
    volume.type = 'bind';
    volume.bind = { ...volume.bind, create_host_path: true };
  } else {
    volume.type = 'volume';
    volume.volume ??= {};
  }
}

function isFilePath(source: string | undefined): boolean {
  if (!source) return false;
  if ('./~'.includes(source[0]!)) return true;
  if (source.startsWith('\\\\')) return true;
  const [first, second] = [...source];
  return second === ':' && first !== undefined && /\p{L}/u.test(first);
}
