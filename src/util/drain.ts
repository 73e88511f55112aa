/**
 * Waits for `work` to settle, for at most `ms`. True when it settled in time (either way: its
 * own error is its owner's to report), false when the bound passed first.
 */
export async function drainWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true, () => true), bound]);
  } finally {
    clearTimeout(timer);
  }
}
