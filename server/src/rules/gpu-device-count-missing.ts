import { appendToMap } from '../compose/edits';
import type { Rule } from './rule';

/**
 * A GPU device reservation with neither `count` nor `device_ids` means different things by version:
 * - compose-go 2.3.0 (2024-10-04, in Docker Compose 2.30+) fills in `count: all` (transform/devices.go
 *   `deviceRequestDefaults`, e70e961), so every GPU is reserved, as the Compose spec (deploy.md) and Docker's
 *   "GPU support in Compose" page say.
 * - Before it, compose-go left the count at 0 (types/device.go `DeviceRequest.DecodeMapstructure` before
 *   173c5d6, which cites moby/moby#48483); since Docker Engine 27.3 (that pull request) a request for 0 GPUs with
 *   no IDs sets NVIDIA_VISIBLE_DEVICES=void: the container gets no GPU (docker/docs#21026, docker/docs#20588).
 * `gpus:` entries are not checked: `gpus:` exists only since Compose 2.30, which fills in `count: all` there too.
 */
export const rule: Rule = {
  meta: {
    id: 'gpu-device-count-missing',
    defaultSeverity: 'info',
    title: 'GPU reservation with neither `count` nor `device_ids`',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      for (const device of info.gpu.devices) {
        if (device.count || device.deviceIds) continue;
        const edit = device.view.inherited || device.view.isFlow ? undefined : appendToMap(ctx.file, device.view, ['count: all']);
        ctx.report({
          span: (device.view.get('driver') ?? device.view.get('capabilities'))?.keyAt ?? device.view.at,
          message:
            `The GPU reservation of service "${info.service.name}" sets neither \`count\` nor \`device_ids\`. Docker Compose 2.30 and ` +
            'later read that as `count: all` (every GPU), but older Compose sends a count of 0, and Docker Engine 27.3 and later then ' +
            'give the container no GPU. Write `count: all` (or the count or device_ids you mean) so it gets the same GPUs everywhere.',
          fixes: edit ? [{ title: 'Add count: all', preferred: true, edits: [edit] }] : [],
        });
      }
    }
  },
};
