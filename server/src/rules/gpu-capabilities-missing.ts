import { appendToMap } from '../compose/edits';
import type { DeviceEntry, ServiceInfo } from '../compose/service';
import type { MapView } from '../compose/yamlView';
import type { Rule } from './rule';

/**
 * compose-go e70e961c3a3acebf0800b882f1afb3dbf1fb74a2 `schema/compose-spec.json` `$defs.devices` requires
 * `capabilities` in every `deploy.resources.reservations.devices` entry, whatever its driver (`nvidia`, `cdi`,
 * none...), and refuses the file before anything starts (loader_test.go TestServiceDeviceRequestCapabilitiesMandatory).
 * `gpus:` entries do not need it (`$defs.gpus`). Docker docs "GPU support in Compose"; compose.json `device_request`.
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
        // `[gpu]` is what a GPU asks for; another driver's device needs the capabilities that driver names.
        const gpu = info.gpu.devices.includes(device) || device.driver === undefined;
        const edit = gpu ? appendToMap(ctx.file, device.view, ['capabilities: [gpu]']) : undefined;
        ctx.report({
          span: device.view.inherited ? device.view.at : firstKeySpan(device.view) ?? device.view.at,
          message:
            `The device reservation of service "${info.service.name}" has no capabilities: Compose refuses the file ` +
            `(${schemaPath(info, device)} missing property 'capabilities'). ` +
            (gpu ? 'Add `capabilities: [gpu]`.' : `Add the capabilities the \`${device.driver}\` device provides.`),
          fixes: edit ? [{ title: 'Add capabilities: [gpu]', preferred: true, edits: [edit] }] : [],
        });
      }
    }
  },
};

/** The entry's path as compose-go's schema error names it: `services.vllm.deploy.resources.reservations.devices.0`. */
function schemaPath(info: ServiceInfo, device: DeviceEntry): string {
  const items = info.gpu.devicesEntry?.value.asSeq()?.items() ?? [];
  const index = items.findIndex((item) => item.node === device.view.node);
  return `services.${info.service.name}.deploy.resources.reservations.devices.${Math.max(index, 0)}`;
}

function firstKeySpan(view: MapView) {
  return view.entries()[0]?.keyAt;
}
