import type { SandboxLog } from '../../src/sandbox/core.js';
import { idSequence } from '../../src/sandbox/platform-ids.js';
import { yuan } from '../../src/sandbox/platform-kit.js';
import { formatGmt8, parseGmt8 } from '../_shared/signing.js';
import type { TopLine, TopRefundStatus, TopTrade } from './sandbox-trades.js';
import type { TopMethod, TopOutcome } from './sandbox-methods.js';

/**
 * The sandbox's refunds (退款单) as taobao.refunds.receive.get lists them: one per trade line
 * that has had a refund, its status the line's refund_status, created when the line first left
 * NO_REFUND and modified on every change. refund_id is a 19-digit number past 2^53, as TOP's are.
 */
interface TopRefund {
  refundId: string;
  tid: string;
  oid: string;
  status: TopRefundStatus;
  fee: number;
  hasGoodReturn: boolean;
  created: Date;
  modified: Date;
  /** When it first reached SUCCESS: the money went back then (the platform's books count it that day). */
  succeeded: Date | undefined;
}

const invalid = (name: string, why: string): TopOutcome => ({ error: { code: 41, msg: `Invalid arguments:${name}`, sub_code: 'isv.invalid-parameter', sub_msg: why } });
const missing = (name: string): TopOutcome => ({ error: { code: 40, msg: `Missing required arguments:${name}` } });
const DAY_MS = 24 * 3600_000;
/** Statuses in which the buyer sends goods back: such a refund has a return. */
const RETURNING: ReadonlySet<TopRefundStatus> = new Set(['WAIT_BUYER_RETURN_GOODS', 'WAIT_SELLER_CONFIRM_GOODS']);

function render(r: TopRefund): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    tid: r.tid,
    oid: r.oid,
    status: r.status,
    refund_fee: yuan(r.fee),
    has_good_return: r.hasGoodReturn,
    created: formatGmt8(r.created),
    modified: formatGmt8(r.modified),
    refund_phase: 'aftersale',
  };
}

/**
 * Refund ids never repeat, across every sandbox of the process and beyond it (src/sandbox/platform-ids.ts):
 * two simulated days on one Temporal server would otherwise name the same after-sales case
 * (after-sales:taobao:<refund_id>) and the second day's refunds would reach the first's closed case.
 * 19 digits from 7 (past 2^53, as TOP's are), in blocks of 2^20 refunds.
 */
const nextRefund = idSequence({ first: 7_000_000_000_000_000_001n, blocks: 2 ** 39, blockSize: 2n ** 20n });

export function topRefunds(d: { log: SandboxLog }) {
  const byLine = new Map<string, TopRefund>();
  const method: TopMethod = {
    needsSession: true,
    run({ params: p }) {
      if (!p['fields']) return missing('fields');
      const start = parseGmt8(p['start_modified'] ?? '');
      const end = parseGmt8(p['end_modified'] ?? '');
      if (!start) return invalid('start_modified', 'start_modified must be yyyy-MM-dd HH:mm:ss');
      if (!end) return invalid('end_modified', 'end_modified must be yyyy-MM-dd HH:mm:ss');
      if (end.getTime() < start.getTime() || end.getTime() - start.getTime() > DAY_MS) return invalid('end_modified', 'start_modified and end_modified must be within one day');
      const page = Number(p['page_no'] ?? '1');
      const size = Number(p['page_size'] ?? '40');
      if (!Number.isInteger(page) || page < 1) return invalid('page_no', 'page_no must be a positive integer');
      if (!Number.isInteger(size) || size < 1 || size > 100) return invalid('page_size', 'page_size must be 1..100');
      const status = p['status'];
      const rows = [...byLine.values()]
        .filter((r) => r.modified.getTime() >= start.getTime() && r.modified.getTime() <= end.getTime() && (!status || r.status === status))
        .sort((a, b) => b.modified.getTime() - a.modified.getTime() || (a.refundId < b.refundId ? 1 : -1));
      d.log.record('taobao.refunds.receive.get', null, { start: start.toISOString(), end: end.toISOString(), page, size, total: rows.length });
      const slice = rows.slice((page - 1) * size, page * size);
      return { ok: { refunds_receive_get_response: { total_results: rows.length, ...(slice.length ? { refunds: { refund: slice.map(render) } } : {}) } } };
    },
  };
  return {
    methods: { 'taobao.refunds.receive.get': method } as Record<string, TopMethod>,
    /** A line's refund status changed (updateOrder's refund patch): its refund is opened or moved. */
    touch(t: TopTrade, line: TopLine, at: Date): void {
      if (line.refundStatus === 'NO_REFUND') return;
      const r = byLine.get(line.oid);
      if (r) {
        r.status = line.refundStatus;
        r.hasGoodReturn ||= RETURNING.has(line.refundStatus);
        r.modified = at;
        if (line.refundStatus === 'SUCCESS') r.succeeded ??= at;
        return;
      }
      const id = nextRefund().toString();
      byLine.set(line.oid, { refundId: id, tid: t.tid, oid: line.oid, status: line.refundStatus, fee: line.divide, hasGoodReturn: RETURNING.has(line.refundStatus), created: at, modified: at, succeeded: line.refundStatus === 'SUCCESS' ? at : undefined });
      d.log.record('refund.opened', id, { tid: t.tid, oid: line.oid });
    },
    all: () => [...byLine.values()].map(render),
    /** Refunds paid out (SUCCESS): the line's amount after discounts, when it succeeded. */
    paidOut: () => [...byLine.values()].flatMap((r) => (r.succeeded ? [{ tid: r.tid, oid: r.oid, fee: r.fee, at: r.succeeded }] : [])),
  };
}
