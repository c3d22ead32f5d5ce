import type { ComposeFile } from '../compose/composeFile';
import { insertUnderPath } from '../compose/nestedInsert';
import type { MapView } from '../compose/yamlView';
import type { SpanEdit, SpanFix } from '../core/types';
import type { Rule } from './rule';

/**
 * Docker's default `json-file` log driver does not rotate: "By default, no log-rotation is performed. As a result,
 * log-files stored by the default json-file logging driver logging driver can cause a significant amount of disk
 * space to be used" (docs.docker.com/engine/logging/drivers/json-file). A model server logs every request (vLLM's
 * access log, TGI's per-request spans), so its log grows for as long as the container lives. `max-size` can also
 * be set for every container in the daemon's daemon.json (`log-opts`), which this file cannot see: hence info.
 * The `local` driver rotates by default; other drivers (journald, syslog, fluentd...) are rotated elsewhere.
 */
export const rule: Rule = {
  meta: {
    id: 'log-rotation-missing',
    defaultSeverity: 'info',
    title: 'Model service logs are never rotated',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    for (const info of ctx.services) {
      if (!info.engine || !info.isModelService) continue;
      const logging = info.service.map.get('logging');
      const map = logging?.value.asMap();
      if (logging && !map && !logging.value.isNull) continue;
      const driver = map?.text('driver');
      if (driver !== undefined && driver !== 'json-file') continue;
      const options = map?.map('options');
      if (options?.has('max-size')) continue;
      ctx.report({
        span: logging?.keyAt ?? info.service.keyAt,
        message:
          `Service "${info.service.name}" (${info.engine.name}) logs through Docker's json-file driver${driver ? '' : ' (the default)'} ` +
          'with no `max-size`, so its log file grows without limit while the container lives: a model server logs every request. ' +
          'Set `logging.options.max-size` (and `max-file`) here, or for every container in the Docker daemon\'s `log-opts`.',
        fixes: fixFor(ctx.file, info.service.map, !!logging, !!options?.has('max-file')),
      });
    }
  },
};

/**
 * Docker's own json-file example: `max-size: 10m`, `max-file: 3`. A new `logging:` names the driver too, so the
 * options never meet a daemon default driver that rejects them; an existing one keeps its driver choice.
 */
function fixFor(file: ComposeFile, service: MapView, hasLogging: boolean, hasMaxFile: boolean): SpanFix[] {
  const options = ['max-size: 10m', ...(hasMaxFile ? [] : ['max-file: "3"'])];
  const edit: SpanEdit | undefined = hasLogging
    ? insertUnderPath(file, service, ['logging', 'options'], options)
    : insertUnderPath(file, service, ['logging'], ['driver: json-file', 'options:', ...options.map((o) => `  ${o}`)]);
  return edit ? [{ title: 'Rotate the log at 10 MB, keeping 3 files', preferred: true, edits: [edit] }] : [];
}
