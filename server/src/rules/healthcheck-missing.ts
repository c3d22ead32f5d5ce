import { readHealthcheck, imageHealthcheck, probeFor, healthcheckBody, servingPort, HealthcheckView } from '../compose/healthcheck';
import { appendToMap, appendUnderEmptyKey } from '../compose/edits';
import type { ServiceInfo } from '../compose/service';
import type { ComposeContext, Rule } from './rule';
import type { SpanEdit, SpanFix } from '../core/types';
import { serviceColdStart } from '../compose/serviceColdStart';
import { recommendedStartPeriod } from '../engines/coldStart';

/**
 * A model service with no healthcheck: Compose cannot tell a loading model from a ready one, so
 * `condition: service_healthy` and `up --wait` have nothing to wait on. The llama.cpp `server*` images bring
 * their own HEALTHCHECK (dockerfile-healthcheck.json), so those services are fine unless the server was moved
 * off the port that image probe calls (8080). `disable: true` / `test: [NONE]` is a deliberate choice: quiet.
 */
export const rule: Rule = {
  meta: {
    id: 'healthcheck-missing',
    defaultSeverity: 'warning',
    title: 'A model service has no healthcheck',
    appliesTo: ['compose'],
    fixable: true,
  },
  compose(ctx) {
    const env = ctx.file.dotEnv;
    for (const info of ctx.services) {
      if (!info.isModelService) continue;
      const hc = readHealthcheck(info);
      if (hc?.disabled) continue;
      if (hc?.test && !hc.test.isNull) continue;
      // `extends` brings fields from another file, which may hold the healthcheck.
      if (!hc && info.service.map.has('extends')) continue;
      const image = imageHealthcheck(info);
      let why = 'no healthcheck';
      if (image && info.engine) {
        const port = servingPort(info, info.engine, env);
        if (typeof port === 'string' || port === image.port) continue;
        why = `no healthcheck of its own, and the image's HEALTHCHECK probes port ${image.port} while the server listens on ${port}`;
      } else if (hc) {
        why = 'a healthcheck with no `test`, and its image has none to inherit';
      }
      const probe = probeFor(info, env);
      const engineName = info.engine?.name ?? 'the model server';
      const how = probe
        ? `${engineName}'s own health probe: \`${probe.slice(1).join(' ')}\`.`
        : 'No probe is known for this image, so there is no quick fix: add a healthcheck that calls its readiness endpoint.';
      ctx.report({
        span: hc ? hc.entry.keyAt : info.service.keyAt,
        message: `Model service "${info.service.name}" has ${why}: ${blindSpot(info)}, so \`depends_on\` with \`condition: service_healthy\` and \`docker compose up --wait\` have nothing to wait on. ${how}`,
        fixes: probe ? fixesFor(ctx, info, hc, probe) : [],
      });
    }
  },
};

/**
 * What Docker cannot see without a healthcheck. Ollama's server answers within seconds and loads a model when a
 * request asks for it (ollama-flags.json OLLAMA_KEEP_ALIVE: "The duration that models stay loaded in memory"), so for
 * it the gap is a server that is up but broken, not a model still loading.
 */
function blindSpot(info: ServiceInfo): string {
  return info.engine?.id === 'ollama' ? 'Compose cannot tell a running server from a hung or failed one' : 'Compose cannot tell a loading model from a ready one';
}

function fixesFor(ctx: ComposeContext, info: ServiceInfo, hc: HealthcheckView | undefined, probe: string[]): SpanFix[] {
  const body = healthcheckBody(probe, recommendedStartPeriod(serviceColdStart(info, ctx.options, ctx.file.dotEnv)));
  const testLine = body[0]!;
  let edit: SpanEdit | undefined;
  let title = `Add a healthcheck that runs \`${probe.slice(1).join(' ')}\``;
  if (!hc) {
    edit = appendToMap(ctx.file, info.service.map, ['healthcheck:', ...body.map((l) => `  ${l}`)]);
  } else if (hc.entry.value.isNull) {
    edit = appendUnderEmptyKey(ctx.file, hc.entry, body);
  } else if (hc.map) {
    edit = appendToMap(ctx.file, hc.map, [testLine]);
    title = `Add the test \`${probe.slice(1).join(' ')}\``;
  }
  return edit ? [{ title, preferred: true, edits: [edit] }] : [];
}
