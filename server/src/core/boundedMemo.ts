/**
 * Remembers `compute(key)` for up to `capacity` keys (then starts over), so a judgement a file repeats (the same
 * flag word 2,000 times) is made once, while a file of 100,000 distinct words cannot grow the memory without
 * bound. `computed` counts the real computations: tests assert the work is bounded through it.
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();
  computed = 0;

  constructor(
    private readonly compute: (key: K) => V,
    private readonly capacity = 10_000,
  ) {}

  get(key: K): V {
    if (this.values.has(key)) return this.values.get(key)!;
    if (this.values.size >= this.capacity) this.values.clear();
    const value = this.compute(key);
    this.computed++;
    this.values.set(key, value);
    return value;
  }
}
