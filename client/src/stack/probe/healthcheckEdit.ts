/**
 * Where "Write Accuracy Probe Healthcheck Script" puts the probe in a Dockerfile: in place of the HEALTHCHECK the
 * shipped image would use when the final stage declares it, else at the end of the file (a HEALTHCHECK inherited from
 * an earlier stage, or none). Docker uses only the last HEALTHCHECK of the image, so replacing keeps one, and the
 * Dockerfile says what the container really runs. Parsed with dockerfile-ast through the server's model (the same
 * stage logic the rules use), never by hand.
 */
import { Healthcheck } from 'dockerfile-ast';
import { parseDockerfile, shippedStages, spanOfRange } from '../../../../server/src/dockerfile/dockerfileModel';
import type { OffsetEdit } from '../../../../server/src/core/types';

export const PROBE_HEALTHCHECK_COMMENT = '# Accuracy probe (Inference Stack: Write Accuracy Probe Healthcheck Script)';

/** The edit that puts `lines` (dockerfileHealthcheck's COPY + HEALTHCHECK) into `dockerfile`. */
export function probeHealthcheckEdit(dockerfile: string, lines: string): { edit: OffsetEdit; replaced: boolean } {
  const eol = dockerfile.includes('\r\n') ? '\r\n' : '\n';
  const block = `${PROBE_HEALTHCHECK_COMMENT}\n${lines}`.split('\n').join(eol);
  const model = parseDockerfile(dockerfile);
  const final = shippedStages(model).pop();
  const own = final?.instructions.filter((i): i is Healthcheck => i instanceof Healthcheck).pop();
  if (own) {
    const span = spanOfRange(model, own.getRange());
    // From the start of its line, so the indentation before HEALTHCHECK goes too.
    const lineStart = dockerfile.lastIndexOf('\n', span.start - 1) + 1;
    const start = /^[ \t]*$/.test(dockerfile.slice(lineStart, span.start)) ? lineStart : span.start;
    return { edit: { start, end: span.end, newText: block }, replaced: true };
  }
  const end = dockerfile.length;
  const lead = dockerfile === '' || dockerfile.endsWith('\n') ? '' : eol;
  return { edit: { start: end, end, newText: `${lead}${dockerfile === '' ? '' : eol}${block}${eol}` }, replaced: false };
}
