import { randomInt } from 'node:crypto';

/**
 * Ids a sandbox platform hands out for things the hub keys durable state by (after-sales ids:
 * the case workflow is after-sales:<platform>:<id>). A platform never repeats them, and the
 * sandboxes must not either, beyond their own lifetime: the Temporal server outlives them. A
 * counter per module is not enough, since vitest loads each test file's modules afresh and two
 * `zhongshu simulate` runs are two processes, all on one server; a repeated id then reached an
 * earlier run's ended case, and that refund was never recorded (FINANCE_AGREES in CI).
 *
 * So each sequence starts at a random block of its id space: `blocks` blocks of `blockSize` ids
 * each, from `first` on. Two sequences share a block with odds 1 in `blocks`, and a sequence
 * stays in its block while it hands out fewer than `blockSize` ids.
 */
export function idSequence(o: { first: bigint; blocks: number; blockSize: bigint }): () => bigint {
  // randomInt takes a safe integer bound of at most 2^48.
  if (!Number.isSafeInteger(o.blocks) || o.blocks < 1 || o.blocks > 2 ** 48) throw new Error(`idSequence: blocks: ${o.blocks} is not a whole number from 1 to 2^48`);
  if (o.blockSize < 1n) throw new Error(`idSequence: blockSize: ${o.blockSize} must be positive`);
  let next = o.first + BigInt(randomInt(o.blocks)) * o.blockSize;
  return () => next++;
}
