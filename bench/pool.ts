/**
 * Runs task(0..n-1) with at most `concurrency` in flight; each slot picks the next index as soon
 * as its previous task settled, so both sides of a comparison see the same offered load.
 * The first error stops handing out new work and is rethrown after the slots drain.
 */
export async function runPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const slot = async () => {
    while (errors.length === 0 && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, slot));
  if (errors.length > 0) throw errors[0];
}
