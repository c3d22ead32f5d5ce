import type { AnalysisOptions } from '../core/analysisOptions';
import type { Finding } from '../core/types';
import { IncrementalCompose } from './incrementalCompose';

/**
 * The analyses the worker keeps, one per open Compose document, most recently used last. Each holds the
 * parsed document: about 250 MB for a 3.5 MB, 5,000-service file, so a few documents and a character budget
 * at most (the latest is always kept). Updated in place when an edit allows it, else replaced by a full
 * analysis.
 */
export class IncrementalStore {
  private readonly states = new Map<string, IncrementalCompose>();

  constructor(
    private readonly capacity = 4,
    private readonly charBudget = 6 * 1024 * 1024,
  ) {}

  analyze(uri: string, text: string, options: AnalysisOptions): { findings: Finding[]; incremental: boolean; kept: boolean } {
    const { current, updated } = this.current(uri, text, options);
    return { findings: current.findings, incremental: updated, kept: current.incremental };
  }

  /** The analysis of `text` under `uri`: the kept one brought up to date when the edit allows it, else a new one. */
  current(uri: string, text: string, options: AnalysisOptions): { current: IncrementalCompose; updated: boolean } {
    const state = this.states.get(uri);
    this.states.delete(uri);
    let updated = false;
    try {
      updated = !!state && state.update(text, options);
    } catch {
      // A failed update leaves the state half-changed: start over below.
      updated = false;
    }
    const current = updated ? state! : IncrementalCompose.create(text, options);
    // A file that can never be updated incrementally (anchors, errors) is not worth its memory.
    if (current.incremental) {
      this.states.set(uri, current);
      let chars = 0;
      for (const s of this.states.values()) chars += s.textLength;
      while (this.states.size > 1 && (this.states.size > this.capacity || chars > this.charBudget)) {
        const [oldest, state] = this.states.entries().next().value!;
        chars -= state.textLength;
        this.states.delete(oldest);
      }
    }
    return { current, updated };
  }

  close(uri: string): void {
    this.states.delete(uri);
  }

  get size(): number {
    return this.states.size;
  }
}
