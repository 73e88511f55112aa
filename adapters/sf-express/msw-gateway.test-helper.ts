import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TEST_URL, readSfRequest, type SfWireRequest } from './testing.js';

/**
 * An msw stand-in for SF's gateway shared by the operation tests: registers its lifecycle hooks
 * in the calling test file, records every request it answers, and lets each test choose the
 * reply. (Kept out of testing.ts, which ships with the build and must not import msw.)
 */
export function useSfGateway() {
  const server = setupServer();
  const seen: SfWireRequest[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
  function reply(fn: (req: SfWireRequest) => Response) {
    server.use(
      http.post(TEST_URL, async ({ request }) => {
        const req = await readSfRequest(request);
        seen.push(req);
        return fn(req);
      }),
    );
  }
  return { server, seen, reply };
}
