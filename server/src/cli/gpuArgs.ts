/**
 * The target-GPU options `lint` and `fit` share: `--gpu NAME | --gpu-memory GiB` (the memory rules and the estimate)
 * and `--gpus N` (how many the machine has: gpu-device-missing, and the estimate's "needs more GPUs").
 */
import type { AnalysisOptions } from '../core/analysisOptions';
import { knownGpus, targetFromGiB, targetFromName, type TargetGpu } from '../engines/fit/gpuFacts';
import { UsageError, wholeNumber } from './args';

export const GPU_OPTIONS_HELP = `  --gpu NAME                   the target GPU, by name:
${wrapped(knownGpus().map((g) => g.name), 31, 116)}
  --gpu-memory GiB             the target GPU's memory as nvidia-smi reports it, in GiB (for a GPU not in the list)
  --gpus N                     how many GPUs the machine has`;

/** Names joined by ", " in lines of at most `width` characters, each indented by `indent` spaces. */
function wrapped(names: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, name] of names.entries()) {
    const word = name + (i < names.length - 1 ? ',' : '');
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

export class GpuArgs {
  private name: string | undefined;
  private memory: number | undefined;
  private count: number | undefined;

  /** Takes the option if it is one of these; `take` reads its value. */
  accept(flag: string, take: () => string): boolean {
    switch (flag) {
      case '--gpu':
        this.name = take();
        return true;
      case '--gpu-memory': {
        const v = take();
        this.memory = Number(v);
        if (!(this.memory > 0)) throw new UsageError(`--gpu-memory takes a size in GiB above 0, not "${v}"`);
        return true;
      }
      case '--gpus':
        this.count = wholeNumber(flag, take());
        return true;
      default:
        return false;
    }
  }

  /** The target GPU, or undefined when none was given; a usage error for an unknown name or both forms. */
  target(): TargetGpu | undefined {
    if (this.name !== undefined && this.memory !== undefined) throw new UsageError('give --gpu or --gpu-memory, not both');
    if (this.name !== undefined) {
      const gpu = targetFromName(this.name, this.count);
      if (!gpu) throw new UsageError(`unknown GPU "${this.name}" (known: ${knownGpus().map((g) => g.name).join(', ')}); give its memory with --gpu-memory`);
      return gpu;
    }
    return this.memory !== undefined ? targetFromGiB(this.memory, this.count) : undefined;
  }

  /** The analysis options these give. */
  options(): Pick<AnalysisOptions, 'gpu' | 'hostGpus'> {
    const gpu = this.target();
    return { ...(gpu ? { gpu } : {}), ...(this.count !== undefined ? { hostGpus: { count: this.count, from: `--gpus ${this.count}` } } : {}) };
  }
}
