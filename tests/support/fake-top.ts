import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A Taobao Open Platform (TOP) router on 127.0.0.1 for the polling integration test. It serves
 * `taobao.trades.sold.increment.get` the way TOP documents it (window by `modified`, both ends
 * "yyyy-MM-dd HH:mm:ss" GMT+8, newest first, 1-based pages) and `taobao.trade.fullinfo.get`,
 * and checks the hmac-sha256 signature with its own implementation of the documented algorithm
 * (sorted k+v, HMAC-SHA256(secret), upper hex) rather than the adapter's.
 *
 * Trades can be made visible late (`visibleAt`: the platform's index lags its writes), modified
 * again at any moment, and a list call can be held (`hold`) so a test can kill the worker while
 * a page is in flight.
 */
export interface FakeTrade {
  tid: string;
  modified: Date;
  status: string;
  /** The trade is not listed before this time (index lag). */
  visibleAt?: Date;
}

export interface ListCall {
  start: Date;
  end: Date;
  page: number;
  /** The call was answered (false: the client went away while it was held). */
  answered: boolean;
}

const GMT8 = 8 * 3600_000;
const fmt = (d: Date) => new Date(d.getTime() + GMT8).toISOString().slice(0, 19).replace('T', ' ');
const parse = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);

export async function startFakeTop(opts: { appSecret: string }) {
  const trades = new Map<string, FakeTrade>();
  const listCalls: ListCall[] = [];
  const detailCalls: string[] = [];
  /** When each request arrived (ms since epoch), any method: what a platform's quota counts. */
  const requestTimes: number[] = [];
  let hold: ((call: ListCall) => Promise<void> | null) | null = null;

  const trade = (t: FakeTrade) => ({
    tid: t.tid,
    tid_str: t.tid,
    status: t.status,
    type: 'fixed',
    created: fmt(new Date(t.modified.getTime() - 60_000)),
    modified: fmt(t.modified),
    ...(t.status === 'WAIT_BUYER_PAY' ? {} : { pay_time: fmt(t.modified) }),
    payment: '59.00',
    total_fee: '59.00',
    receiver_name: '李*',
    receiver_phone: '0391-****888',
    receiver_state: '河南省',
    receiver_city: '',
    receiver_district: '济源市',
    receiver_address: '河南省济源市沁园路1**号',
    orders: { order: [{ oid: `${t.tid}1`, oid_str: `${t.tid}1`, num_iid: 680032345678, title: '手工红薯粉条 1kg', outer_iid: 'FT-1KG', num: 1, price: '59.00', total_fee: '59.00', payment: '59.00', divide_order_fee: '59.00', status: t.status }] },
  });

  const send = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, code: number, msg: string) => send(res, { error_response: { code, msg } });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requestTimes.push(Date.now());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const { sign, ...rest } = params;
    const base = Object.keys(rest)
      .sort()
      .map((k) => `${k}${rest[k]}`)
      .join('');
    if (params['sign_method'] !== 'hmac-sha256' || sign !== createHmac('sha256', opts.appSecret).update(base, 'utf8').digest('hex').toUpperCase()) return fail(res, 25, 'Invalid signature');
    if (params['method'] === 'taobao.trades.sold.increment.get') {
      const start = parse(params['start_modified'] ?? '');
      const end = parse(params['end_modified'] ?? '');
      const page = Number(params['page_no'] ?? '1');
      const size = Number(params['page_size'] ?? '40');
      const call: ListCall = { start, end, page, answered: false };
      listCalls.push(call);
      const held = hold?.(call);
      if (held) {
        let gone = false;
        res.on('close', () => (gone = true));
        await held;
        if (gone || req.socket.destroyed) return;
      }
      // Read the index at answer time: a trade modified while an earlier page was read has left the window.
      const now = Date.now();
      const inWindow = [...trades.values()]
        .filter((t) => (t.visibleAt?.getTime() ?? 0) <= now && t.modified.getTime() >= start.getTime() && t.modified.getTime() <= end.getTime())
        .sort((a, b) => b.modified.getTime() - a.modified.getTime() || b.tid.localeCompare(a.tid));
      const rows = inWindow.slice((page - 1) * size, page * size);
      call.answered = true;
      return send(res, { trades_sold_increment_get_response: { total_results: inWindow.length, ...(rows.length ? { trades: { trade: rows.map((t) => ({ tid: t.tid, modified: fmt(t.modified) })) } } : {}) } });
    }
    if (params['method'] === 'taobao.trade.fullinfo.get') {
      const t = trades.get(params['tid'] ?? '');
      detailCalls.push(params['tid'] ?? '');
      if (!t) return fail(res, 15, 'Remote service error: trade not found');
      return send(res, { trade_fullinfo_get_response: { trade: trade(t) } });
    }
    return fail(res, 22, 'Invalid method');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('fake TOP did not bind');
  return {
    url: `http://127.0.0.1:${addr.port}/router/rest`,
    trades,
    listCalls,
    detailCalls,
    requestTimes,
    put(t: FakeTrade) {
      trades.set(t.tid, t);
    },
    /** Called for every list call; return a promise to hold that answer until it settles. */
    setHold(fn: ((call: ListCall) => Promise<void> | null) | null) {
      hold = fn;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
