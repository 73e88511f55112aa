import { useState } from 'preact/hooks';
import { api, errorText, type Schemas } from '../api';
import { addressOf, type Address } from '../guards';
import { can } from '../access';
import { useT } from '../i18n';
import type { Ok, Session } from '../session';
import { age, Confirm, Loading, Notice, useLoad } from '../ui';

type Item = Ok<'/api/decisions', 'get'>['items'][number];
type Pending = { item: Item; action: 'approve' | 'reject' } | { item: Item; action: 'edit'; address: Address };

const ADDRESS_FIELDS = ['province', 'city', 'district', 'street'] as const;

/** Held orders by reason, oldest first; approve, reject or edit the address, each confirmed. */
export function DecisionsPage({ session }: { session: Session }) {
  const t = useT();
  const q = useLoad(() => api.GET('/api/decisions'), []);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const mayDecide = can(session.roles, 'POST /api/decisions/{orderId}');

  const startEdit = async (item: Item) => {
    const r = await api.GET('/api/orders/{id}', { params: { path: { id: item.orderKey } } });
    setPending({ item, action: 'edit', address: addressOf(r.data?.order) ?? { country: 'CN', province: null, city: null, district: null } });
  };
  const decide = async (p: Pending) => {
    setPending(null);
    const body: Schemas['Decision'] = p.action === 'edit' ? { action: 'edit', address: p.address } : { action: p.action };
    const r = await api.POST('/api/decisions/{orderId}', { params: { path: { orderId: p.item.orderKey } }, body });
    setNotice(r.data ? { kind: 'ok', text: t('decisions.done', { order: p.item.orderKey, state: r.data.state }) } : { kind: 'error', text: errorText(r.error, r.response.status) });
    q.reload();
  };

  const byReason = new Map<string, Item[]>();
  for (const it of [...(q.data?.items ?? [])].sort((a, b) => a.since.localeCompare(b.since))) byReason.set(it.reason, [...(byReason.get(it.reason) ?? []), it]);
  return (
    <section aria-labelledby="decisions-title">
      <div class="row">
        <h1 id="decisions-title">{t('decisions.title')}</h1>
        <button type="button" onClick={q.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <Notice text={notice?.text ?? null} kind={notice?.kind ?? 'ok'} />
      {!mayDecide && <p class="hint">{t('decisions.readOnly')}</p>}
      <Loading state={q} />
      {q.data && byReason.size === 0 && <p>{t('common.empty')}</p>}
      {[...byReason].map(([reason, items]) => (
        <section key={reason} aria-label={`${t('decisions.reason')}: ${reason}`}>
          <h2>
            {reason} <span class="count">{items.length}</span>
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('decisions.order')}</th>
                <th scope="col">{t('decisions.message')}</th>
                <th scope="col">{t('common.age')}</th>
                {mayDecide && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.orderKey} data-order={it.orderKey}>
                  <td>
                    <a href={`#/orders/${encodeURIComponent(it.orderKey)}`}>{it.orderKey}</a>
                  </td>
                  <td>{it.message}</td>
                  <td>{age(it.since)}</td>
                  {mayDecide && (
                    <td class="actions">
                      {it.actions.includes('approve') && (
                        <button type="button" aria-label={`${t('decisions.approve')} ${it.orderKey}`} onClick={() => setPending({ item: it, action: 'approve' })}>
                          {t('decisions.approve')}
                        </button>
                      )}
                      {it.actions.includes('reject') && (
                        <button type="button" class="danger" aria-label={`${t('decisions.reject')} ${it.orderKey}`} onClick={() => setPending({ item: it, action: 'reject' })}>
                          {t('decisions.reject')}
                        </button>
                      )}
                      {it.actions.includes('edit') && (
                        <button type="button" aria-label={`${t('decisions.edit')} ${it.orderKey}`} onClick={() => void startEdit(it)}>
                          {t('decisions.edit')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {pending && (
        <Confirm
          text={t(pending.action === 'approve' ? 'decisions.confirmApprove' : pending.action === 'reject' ? 'decisions.confirmReject' : 'decisions.confirmEdit', { order: pending.item.orderKey })}
          onCancel={() => setPending(null)}
          onConfirm={() => void decide(pending)}
        >
          {pending.action === 'edit' && (
            <fieldset>
              {ADDRESS_FIELDS.map((f) => (
                <label key={f}>
                  {t(`address.${f}`)}
                  <input value={pending.address[f] ?? ''} onInput={(e) => setPending({ ...pending, address: { ...pending.address, [f]: e.currentTarget.value || null } })} />
                </label>
              ))}
            </fieldset>
          )}
        </Confirm>
      )}
    </section>
  );
}
