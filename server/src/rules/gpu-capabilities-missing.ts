import { appendToMap } from '../compose/edits';
import type { Rule } from './rule';

/**
 * Docker docs: a device request without `capabilities` fails at deployment. compose.json `device_request`.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-capabilities-missing',
    defaultSeverity: 'error',
    title: 'A device reservation without `capabilities`',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      for (const device of info.gpu.allDevices) {
        if (device.capabilities !== undefined) continue;
        // A device entry with neither capabilities nor a GPU driver is not ours to judge.
        if (device.driver !== undefined && device.driver !== 'nvidia') continue;
        const edit = appendToMap(ctx.file, device.view, ['capabilities: [gpu]']);
        ctx.report({
          span: device.view.inherited ? device.view.at : firstKeySpan(device.view) ?? device.view.at,
          message: `The device reservation of service "${info.service.name}" has no capabilities: Compose refuses to start it. Add \`capabilities: [gpu]\`.`,
          fixes: edit ? [{ title: 'Add capabilities: [gpu]', preferred: true, edits: [edit] }] : [],
        });
      }
    }
  },
};

function firstKeySpan(view: import('../compose/yamlView').MapView) {
  const first = view.entries()[0];
  return first?.keyAt;
}
