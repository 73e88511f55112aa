import { useState } from 'preact/hooks';
import { api } from '../api';
import { PLATFORM } from '../../canonical/status';
import { LIFECYCLE_STATE } from '../../../workflows/states';
import { useT, type MessageKey } from '../i18n';
import type { Session } from '../session';
import type { paths } from '../generated/openapi';
import { Loading, localTime, money, useLoad } from '../ui';
import { OrderDetail } from './order-detail';

type Query = NonNullable<paths['/api/orders']['get']['parameters']['query']>;
type TextFilter = Exclude<keyof Query, 'platform' | 'state' | 'sort' | 'cursor' | 'limit' | 'buyerPhoneHash'>;

/** Every text filter of the order store's search (GET /api/orders); the hub names a bad one. */
const TEXT_FILTERS: TextFilter[] = ['platformOrderId', 'waybillNo', 'shop', 'channel', 'holdReason', 'sku', 'paidFrom', 'paidTo', 'buyerPhone', 'province', 'city'];
const SORTS = ['-receivedAt', 'receivedAt', '-paidAmount', 'paidAmount'] as const;

export function OrdersPage({ session, orderKey }: { session: Session; orderKey: string | null }) {
  if (orderKey) return <OrderDetail session={session} orderKey={orderKey} />;
  return <OrderSearch />;
}

function OrderSearch() {
  const t = useT();
  const [form, setForm] = useState<Query>({});
  const [query, setQuery] = useState<Query>({ limit: 50 });
  const q = useLoad(() => api.GET('/api/orders', { params: { query } }), [JSON.stringify(query)]);
  const set = (k: keyof Query, v: string) => setForm((f) => ({ ...f, [k]: v === '' ? undefined : v }));
  const submit = (e: Event) => {
    e.preventDefault();
    setQuery({ ...form, limit: 50 });
  };
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">{t('orders.title')}</h1>
      <form class="filters" onSubmit={submit} role="search" aria-label={t('orders.title')}>
        {TEXT_FILTERS.map((f) => (
          <label key={f}>
            {t(`orders.${f}` as MessageKey)}
            <input name={f} value={form[f] ?? ''} onInput={(e) => set(f, e.currentTarget.value)} placeholder={f === 'paidFrom' || f === 'paidTo' ? '2026-11-01T00:00:00+08:00' : ''} />
          </label>
        ))}
        <label>
          {t('orders.platform')}
          <select name="platform" value={form.platform ?? ''} onChange={(e) => set('platform', e.currentTarget.value)}>
            <option value="">—</option>
            {Object.values(PLATFORM).map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('orders.state')}
          <select name="state" value={form.state ?? ''} onChange={(e) => set('state', e.currentTarget.value)}>
            <option value="">—</option>
            {Object.values(LIFECYCLE_STATE).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('orders.sort')}
          <select name="sort" value={form.sort ?? '-receivedAt'} onChange={(e) => set('sort', e.currentTarget.value)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t('common.search')}
        </button>
      </form>
      <Loading state={q} />
      {q.data && (
        <>
          <p role="status">
            {t('orders.total', { n: q.data.totals.orders })} · {q.data.totals.paid.map(money).join(' + ')}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('decisions.order')}</th>
                <th scope="col">{t('orders.platform')}</th>
                <th scope="col">{t('orders.state')}</th>
                <th scope="col">{t('orders.waybillNo')}</th>
                <th scope="col">{t('orders.paid')}</th>
                <th scope="col">{t('orders.receivedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.orders.map((o) => (
                <tr key={o.workflowId}>
                  <td>
                    <a href={`#/orders/${encodeURIComponent(o.orderKey)}`}>{o.orderKey}</a>
                  </td>
                  <td>{o.platform}</td>
                  <td>
                    <span class={`state ${o.state}`}>{o.state}</span>
                    {o.holdReason ? ` (${o.holdReason})` : ''}
                  </td>
                  <td>{o.waybillNo ?? '—'}</td>
                  <td>{money(o.paid)}</td>
                  <td>{localTime(o.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {q.data.nextCursor && (
            <button type="button" onClick={() => setQuery({ ...query, cursor: q.data?.nextCursor ?? undefined })}>
              {t('common.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
