import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { can } from '../access';
import { brief, isRecord } from '../guards';
import { useT } from '../i18n';
import type { Session } from '../session';
import { Confirm, Loading, localTime, Notice, useLoad } from '../ui';

const ROLLBACK = 'POST /api/orders/{id}/versions/{seq}/rollback';

/** A rollback restores a version's address: offered only where the address changed. */
const changesAddress = (changes: unknown) => Array.isArray(changes) && changes.some((c) => isRecord(c) && c['field'] === 'address');

/** One order: timeline, waybills, shipment confirmations, cases, versions (rollback for the operations lead) and its Temporal history. */
export function OrderDetail({ session, orderKey }: { session: Session; orderKey: string }) {
  const t = useT();
  const id = { params: { path: { id: orderKey } } };
  const o = useLoad(() => api.GET('/api/orders/{id}', id), [orderKey]);
  const v = useLoad(() => api.GET('/api/orders/{id}/versions', id), [orderKey]);
  const [rollback, setRollback] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const mayRollback = can(session.roles, ROLLBACK);

  const doRollback = async (seq: number) => {
    setRollback(null);
    const r = await api.POST('/api/orders/{id}/versions/{seq}/rollback', { params: { path: { id: orderKey, seq: String(seq) } }, body: { confirm: true } });
    setNotice(r.data ? { kind: 'ok', text: t('order.rolledBack', { seq, outcome: r.data.outcome }) } : { kind: 'error', text: errorText(r.error, r.response.status) });
    o.reload();
    v.reload();
  };
  const d = o.data;
  const confirmations = d?.stored && Array.isArray(d.stored.shipConfirmations) ? d.stored.shipConfirmations : [];
  return (
    <section aria-labelledby="order-title">
      <p>
        <a href="#/orders">{t('order.back')}</a>
      </p>
      <h1 id="order-title">{orderKey}</h1>
      <Notice text={notice?.text ?? null} kind={notice?.kind ?? 'ok'} />
      <Loading state={o} />
      {d && (
        <>
          <p>
            {t('common.state')}: <span class={`state ${d.state}`}>{d.state}</span> · {d.platformStatus} · {d.runStatus}
            {d.history.url && (
              <>
                {' · '}
                <a href={d.history.url} target="_blank" rel="noreferrer noopener">
                  {t('order.temporal')}
                </a>
              </>
            )}
          </p>
          {d.source === 'store' && <p class="hint">{t('order.fromStore')}</p>}
          {isRecord(d.hold) && <p class="hold">{`${String(d.hold['reason'] ?? '')}: ${String(d.hold['message'] ?? '')}`}</p>}
          <div class="grid">
            <section aria-labelledby="tl-title">
              <h2 id="tl-title">{t('order.timeline')}</h2>
              <ol class="timeline">
                {d.timeline.map((e, i) => (
                  <li key={i}>
                    <strong>{e.state}</strong> <time dateTime={e.at}>{localTime(e.at)}</time> — {e.cause} ({e.actor})
                  </li>
                ))}
              </ol>
            </section>
            <section aria-labelledby="wb-title">
              <h2 id="wb-title">{t('order.waybills')}</h2>
              <ul>
                {(d.stored?.waybills ?? []).map((w) => (
                  <li key={w.waybillNo}>
                    {w.waybillNo} {w.carrier ?? ''} · {t(w.live ? 'order.live' : 'order.cancelled')}
                    {w.confirmedAt ? ` · ${localTime(w.confirmedAt)}` : ''}
                  </li>
                ))}
              </ul>
              <h2>{t('order.confirmations')}</h2>
              <ul>
                {confirmations.map((c, i) => (
                  <li key={i}>{brief(c)}</li>
                ))}
              </ul>
              <h2>{t('order.cases')}</h2>
              <ul>
                {(d.afterSalesCaseKeys ?? []).map((k) => (
                  <li key={k}>{k}</li>
                ))}
              </ul>
            </section>
          </div>
        </>
      )}
      <section aria-labelledby="ver-title">
        <h2 id="ver-title">{t('order.versions')}</h2>
        <Loading state={v} />
        {v.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('order.at')}</th>
                <th scope="col">{t('order.actor')}</th>
                <th scope="col">{t('order.cause')}</th>
                <th scope="col">{t('order.changes')}</th>
                {mayRollback && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {v.data.versions.map((ver) => (
                <tr key={ver.seq}>
                  <td>{ver.seq}</td>
                  <td>{localTime(ver.at)}</td>
                  <td>{ver.actor}</td>
                  <td>{ver.cause}</td>
                  <td>
                    {(Array.isArray(ver.changes) ? ver.changes : []).map((c, i) => (
                      <div key={i}>{isRecord(c) ? `${String(c['field'])}: ${brief(c['before'])} → ${brief(c['after'])}` : brief(c)}</div>
                    ))}
                  </td>
                  {mayRollback && (
                    <td>
                      {changesAddress(ver.changes) && <button type="button" aria-label={`${t('order.rollback')} ${ver.seq}`} onClick={() => setRollback(ver.seq)}>
                        {t('order.rollback')}
                      </button>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {rollback !== null && <Confirm text={t('order.confirmRollback', { order: orderKey, seq: rollback })} onCancel={() => setRollback(null)} onConfirm={() => void doRollback(rollback)} />}
    </section>
  );
}
