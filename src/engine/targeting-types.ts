/**
 * The targeting types one targeting-analytics stream reads, and those Pinterest refused during this read.
 * Some types are a beta (AGE_BUCKET_AND_GENDER, CREATIVE_ENHANCEMENTS) that an ad account may lack: a
 * refused type is left out for that account — warned once, named in the final log — and the others are
 * read, so one unavailable breakdown does not fail the stream.
 */
import { chunk } from '../util/async';

export class TargetingTypes {
  /** Refused types per partition (ad account): a beta is granted per account. */
  private readonly refused = new Map<string, Set<string>>();

  constructor(
    readonly selected: readonly string[],
    private readonly perRequest: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** The request groups of a partition: the selected types it has not refused, at most perRequest each. */
  groups(partition: string): string[][] {
    const refused = this.refused.get(partition);
    return chunk(
      this.selected.filter((t) => !refused?.has(t)),
      this.perRequest,
    );
  }

  isRefused(partition: string, type: string): boolean {
    return this.refused.get(partition)?.has(type) ?? false;
  }

  /** Marks types refused for a partition (warning once each); true when every selected type now is. */
  refuse(partition: string, types: readonly string[], reason: string): boolean {
    let set = this.refused.get(partition);
    if (!set) this.refused.set(partition, (set = new Set()));
    for (const t of types) {
      if (set.has(t)) continue;
      set.add(t);
      this.warn(
        `Pinterest refuses targeting type ${t} for ${partition} (${reason}); it is left out of this sync and the other types are read.`,
      );
    }
    return this.selected.every((t) => set!.has(t));
  }

  /**
   * The recovery policy's "drop refused types" applied to a partition: the refused types are left out
   * (warned once each) and the groups to read again returned, less any type refused meanwhile by another
   * request; undefined when every selected type is now refused (the refusal is then the stream's error).
   */
  afterRefusal(
    partition: string,
    action: { refused: readonly string[]; retry: ReadonlyArray<readonly string[]>; reason: string },
  ): Array<readonly string[]> | undefined {
    if (action.refused.length > 0 && this.refuse(partition, action.refused, action.reason)) return undefined;
    return action.retry
      .map((group) => group.filter((t) => !this.isRefused(partition, t)))
      .filter((group) => group.length > 0);
  }

  /** "without X for 2 ad account(s), Y for 1 …", or undefined when nothing was refused. */
  summary(): string | undefined {
    const counts = new Map<string, number>();
    for (const set of this.refused.values()) for (const t of set) counts.set(t, (counts.get(t) ?? 0) + 1);
    if (counts.size === 0) return undefined;
    return `without ${[...counts].map(([t, n]) => `${t} for ${n} ad account(s)`).join(', ')}`;
  }
}

/** The types of `types` that Pinterest's message names (whole words: AGE_BUCKET is not AGE_BUCKET_AND_GENDER). */
export function typesNamedIn(message: string, types: readonly string[]): string[] {
  return types.filter((t) => new RegExp(`(^|[^A-Z_])${t}($|[^A-Z_])`).test(message));
}
