import type { Hub } from '../../src/hub.js';
import { ADMIN_KEY } from './hub.js';
import { json, type Json } from './json.js';

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/**
 * Reading an order through the admin API, as an operator would. Takes a getter because tests
 * assign their hub in beforeAll, after this is called at module level.
 */
export function orderApi(getHub: () => Hub) {
  const stateOf = async (orderKey: string): Promise<Json> => json(await getHub().app.request(`/api/orders/${orderKey}`, { headers: admin }));
  /** Polls until the order reaches `state`; the error shows where it stopped and its last timeline entries. */
  const waitFor = async (orderKey: string, state: string, ms = 30_000): Promise<Json> => {
    let last: Json = null;
    for (const end = Date.now() + ms; Date.now() < end; ) {
      last = await stateOf(orderKey);
      if (last?.state === state) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${orderKey} stuck in ${last?.state} (wanted ${state}): ${JSON.stringify(last?.timeline?.slice(-3))}`);
  };
  return { stateOf, waitFor };
}
