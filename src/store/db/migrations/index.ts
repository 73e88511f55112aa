import type { Migration } from 'kysely';
import * as orders from './0001-orders.js';
import * as versions from './0002-order-versions.js';
import * as historical from './0003-historical-import.js';
import * as rawPayloads from './0004-raw-payloads.js';
import * as shadowWrites from './0005-shadow-writes.js';
import * as searchable from './0006-searchable-orders.js';
import * as orderRefunds from './0007-order-refunds.js';

/**
 * Every migration, by name, in order. Listed here rather than read from the directory, so the
 * built package (dist/, .js) and the sources (tsx, .ts) run the same set.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-orders': orders,
  '0002-order-versions': versions,
  '0003-historical-import': historical,
  '0004-raw-payloads': rawPayloads,
  '0005-shadow-writes': shadowWrites,
  '0006-searchable-orders': searchable,
  '0007-order-refunds': orderRefunds,
};
