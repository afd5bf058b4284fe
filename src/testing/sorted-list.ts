/**
 * A list kept in order as items come and go, stored in blocks of at most {@link BLOCK} items.
 * Finding a position costs O(log N), inserting or removing O(BLOCK + N / BLOCK), and reading k
 * items from a position O(log N + k) (plus O(N / BLOCK) once after a change, to renumber blocks).
 *
 * Hand-written because none of the SDK's dependencies offers an ordered collection, and the
 * obvious sorted array costs O(N) per insertion at its front, which is where `addJob` puts a loop
 * of ever older backdated jobs: 100,000 of them would take seconds.
 */

/** The most items a block holds before it splits in two. */
const BLOCK = 512;

export class SortedList<T> {
  readonly #compare: (a: T, b: T) => number;
  #blocks: T[][] = [];
  /** The list index of each block's first item; `undefined` when a change made it stale. */
  #starts: number[] | undefined = [];
  #size = 0;

  /** `compare` orders the items (negative: `a` first) and must never call two distinct items equal. */
  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#size;
  }

  insert(item: T): void {
    this.#starts = undefined;
    this.#size += 1;
    if (this.#blocks.length === 0) {
      this.#blocks.push([item]);
      return;
    }
    const index = Math.min(this.#blockOf(item), this.#blocks.length - 1);
    const block = this.#blocks[index]!;
    block.splice(
      firstTrue(block, (other) => this.#compare(other, item) >= 0),
      0,
      item,
    );
    if (block.length > BLOCK) this.#blocks.splice(index + 1, 0, block.splice(BLOCK / 2));
  }

  /** Removes the item; `false` when it is not in the list. */
  delete(item: T): boolean {
    const index = this.#blockOf(item);
    const block = this.#blocks[index];
    if (!block) return false;
    const at = firstTrue(block, (other) => this.#compare(other, item) >= 0);
    if (block[at] !== item) return false;
    block.splice(at, 1);
    if (block.length === 0) this.#blocks.splice(index, 1);
    this.#starts = undefined;
    this.#size -= 1;
    return true;
  }

  /**
   * The position of the first item for which `test` holds, `size` when none does. `test` must be
   * false for a leading run of the list and true for the rest (as "older than t" is in a list
   * sorted newest first).
   */
  firstWhere(test: (item: T) => boolean): number {
    const index = firstTrue(this.#blocks, (block) => test(block[block.length - 1]!));
    if (index === this.#blocks.length) return this.#size;
    return this.#blockStarts()[index]! + firstTrue(this.#blocks[index]!, test);
  }

  /** The items from position `from` up to (not including) `to`. */
  slice(from: number, to: number): T[] {
    const start = Math.max(0, from);
    const end = Math.min(this.#size, to);
    if (start >= end) return [];
    const starts = this.#blockStarts();
    let index = firstTrue(starts, (first) => first > start) - 1;
    let offset = start - starts[index]!;
    const out: T[] = [];
    while (out.length < end - start) {
      const block = this.#blocks[index]!;
      out.push(block[offset]!);
      offset += 1;
      if (offset === block.length) {
        index += 1;
        offset = 0;
      }
    }
    return out;
  }

  /** The last item, if any. */
  last(): T | undefined {
    return this.#blocks.at(-1)?.at(-1);
  }

  /** The first block whose last item does not come before `item` (`length` when every one does). */
  #blockOf(item: T): number {
    return firstTrue(this.#blocks, (block) => this.#compare(block[block.length - 1]!, item) >= 0);
  }

  #blockStarts(): number[] {
    if (this.#starts === undefined) {
      let next = 0;
      this.#starts = this.#blocks.map((block) => {
        const start = next;
        next += block.length;
        return start;
      });
    }
    return this.#starts;
  }
}

/** Binary search: the first index at which `test` holds, for a `test` false then true along `items`. */
function firstTrue<T>(items: readonly T[], test: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(items[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}
