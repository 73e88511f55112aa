import type { SandboxServer } from '../sandbox/core.js';

/**
 * Watches one call against a sandbox for the README's rule "every request spends a token": the
 * hook it gives the adapter notes how many requests the sandbox had received when each token
 * was spent, so a request sent before its token (or with none) is seen, whichever fetch the
 * adapter used. The k-th request of the call must arrive after at least k tokens.
 */
export interface RequestTokenWatch {
  /** Pass as InvokeContext.rateLimit. */
  rateLimit(api: string): Promise<void>;
  /** What was wrong with the call so far, or null when every request it sent had its token. */
  problem(): string | null;
}

export function watchRequestTokens(server: Pick<SandboxServer, 'arrivals'>): RequestTokenWatch {
  const start = server.arrivals.length;
  /** For each token spent, in order: the call's requests the sandbox had already received. */
  const seenAtToken: number[] = [];
  return {
    rateLimit(): Promise<void> {
      seenAtToken.push(server.arrivals.length - start);
      return Promise.resolve();
    },
    problem() {
      const sent = server.arrivals.slice(start);
      for (const [k, arrival] of sent.entries()) {
        const seen = seenAtToken[k];
        if (seen === undefined || seen > k) {
          return `request ${k + 1} of ${sent.length} (${arrival.method} ${arrival.path}) was sent without spending a rate-limit token first (${seenAtToken.length} spent in the call): call ctx.rateLimit before every request`;
        }
      }
      return null;
    },
  };
}
