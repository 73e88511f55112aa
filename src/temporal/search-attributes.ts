import type { Client } from '@temporalio/client';
// @temporalio/proto is CommonJS: named ESM imports of it fail at run time under Node.
import proto from '@temporalio/proto';
import type { Logger } from '../logger.js';
import { errorMessage } from '../util/errors.js';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
};

/**
 * Makes sure the custom search attributes exist (the embedded dev server registers them at start;
 * a production cluster may need them added once). Returns false when they are missing and cannot
 * be added: workflows then run without them rather than failing to start.
 */
export async function ensureSearchAttributes(client: Client, namespace: string, logger: Logger): Promise<boolean> {
  try {
    // Bounded: with Temporal down at start the hub must still come up and report not-ready.
    const res = await client.connection.withDeadline(Date.now() + 3000, () => client.connection.operatorService.listSearchAttributes({ namespace }));
    const have = new Set(Object.keys(res.customAttributes ?? {}));
    const missing = ORDER_SEARCH_ATTRIBUTES.filter((k) => !have.has(k.name));
    if (!missing.length) return true;
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type] ?? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    logger.info({ added: missing.map((k) => k.name) }, 'registered custom search attributes');
    return true;
  } catch (err) {
    logger.warn({ err: errorMessage(err) }, 'custom search attributes unavailable; workflows will run without them');
    return false;
  }
}
