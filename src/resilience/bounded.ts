/**
 * Waits for `p` at most `ms`: a slow or down Redis must not hold the call it only assists. The
 * command may still settle after we stopped waiting; its rejection must not go unhandled.
 */
export function boundedWait<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms}ms`)), ms);
  });
  p.catch(() => {});
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
