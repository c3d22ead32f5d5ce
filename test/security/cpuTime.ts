/**
 * Time a run spends on this process's CPU, in ms. Wall time on a shared 2-core machine includes every other process's
 * turn (a load of 8 stretched a 2 ms masking run to 16 ms); CPU time counts only this work, so the bounds the security
 * tests set against super-linear code do not flake under load. A garbage collection still counts: callers take the
 * fastest of a few tries.
 */
export function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

/** The least CPU time of `times` runs. */
export function fastestCpuMs(run: () => void, times = 5): number {
  let best = Infinity;
  for (let i = 0; i < times; i++) best = Math.min(best, cpuMs(run));
  return best;
}
