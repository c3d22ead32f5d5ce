// What the compose-schema rule adds to an analysis of the seed-size file (issue 10: ≤ 1 ms), in-process and warm:
// the mean of 2,000 analyses with the rule on and off, alternated in rounds so that load on the machine falls on both.
// Usage: node bench/schema-cost.mjs (bundles the analyser from the sources, as parse-bench.mjs does).
import { composeText } from './generate.mjs';
import { loadAnalyzer } from './parse-bench.mjs';

const { analyze } = await loadAnalyzer(new URL('..', import.meta.url).pathname);

const text = composeText(1);
const OFF = { rules: { 'compose-schema': 'off' } };
const mean = (options, n) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) analyze(text, 'compose', options);
  return (performance.now() - t) / n;
};
mean({}, 300);
mean(OFF, 300);
let on = 0;
let off = 0;
for (let round = 0; round < 10; round++) {
  on += mean({}, 200) / 10;
  off += mean(OFF, 200) / 10;
}
const cost = on - off;
console.log(`seed (${text.split('\n').length} lines): analyze ${on.toFixed(3)} ms with compose-schema, ${off.toFixed(3)} ms without; the schema check ${cost.toFixed(3)} ms ${cost <= 1 ? '✅' : '❌'} (≤ 1 ms)`);
