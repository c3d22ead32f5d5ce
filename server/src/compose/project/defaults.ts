/** compose-go's transform.SetDefaultValues (transform/defaults.go): the defaults filled in once all files are merged. */
import { setDefault } from './canonical';
import { get, MapNode, ProjectNode, scalar, stepTrie, trieOf, TrieStates, trieValue } from './tree';

type Fill = (map: MapNode) => void;

const DEFAULTS = trieOf<Fill>({
  'services.*.build': (m) => setDefault(m, 'context', '.'),
  'services.*.secrets.*': (m) => {
    if (!m.entries.has('target')) {
      const source = get(m, 'source');
      m.entries.set('target', { keyOrigin: m.origin, value: scalar(`/run/secrets/${source?.kind === 'scalar' ? String(source.value) : ''}`, m.origin) });
    }
  },
  'services.*.ports.*': (m) => {
    setDefault(m, 'protocol', 'tcp');
    setDefault(m, 'mode', 'ingress');
  },
  'services.*.deploy.resources.reservations.devices.*': deviceRequest,
  'services.*.gpus.*': deviceRequest,
  'services.*.volumes.*.bind': (m) => setDefault(m, 'create_host_path', true),
});

function deviceRequest(m: MapNode): void {
  if (!m.entries.has('count') && !m.entries.has('device_ids')) setDefault(m, 'count', 'all');
}

export function setDefaultValues(node: ProjectNode, states: TrieStates<Fill> = DEFAULTS): void {
  const fill = trieValue(states);
  if (fill) {
    if (node.kind === 'map') fill(node);
    return;
  }
  if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      const next = stepTrie(states, key);
      if (next.length) setDefaultValues(entry.value, next);
    }
  } else if (node.kind === 'seq') {
    const next = stepTrie(states, '[]');
    if (next.length) for (const item of node.items) setDefaultValues(item, next);
  }
}
