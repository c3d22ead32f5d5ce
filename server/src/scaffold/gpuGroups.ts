// How the production template splits the host's GPUs among its workers: consecutive groups of `perWorker`, each
// worker pinned to its own by `device_ids` so no two share a GPU (gpu-oversubscribed) and each reserves as many as
// its --tensor-parallel-size (gpu-count-below-parallelism). Device ids are the indexes nvidia-smi lists.

/** `gpuCount / perWorker` groups of GPU indexes, as strings (Compose's device_ids are strings). */
export function gpuGroups(gpuCount: number, perWorker: number): string[][] {
  if (!Number.isInteger(gpuCount) || !Number.isInteger(perWorker) || perWorker < 1 || gpuCount % perWorker !== 0) {
    throw new Error(`${gpuCount} GPUs do not split into groups of ${perWorker}`);
  }
  return Array.from({ length: gpuCount / perWorker }, (_, w) => Array.from({ length: perWorker }, (_, g) => String(w * perWorker + g)));
}
