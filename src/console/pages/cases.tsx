import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { can } from '../access';
import { CASE_STATE } from '../../../workflows/after-sales/constants';
import { useT } from '../i18n';
import type { Ok, Session } from '../session';
import { caseTimelineOf } from '../guards';
import { age, Confirm, Loading, localTime, money, Notice, useLoad } from '../ui';

type Case = Ok<'/api/after-sales', 'get'>['items'][number];
/** States a person may move a case to; refunded, return_received and closed follow their own paths. */
const MOVABLE = [CASE_STATE.IN_PROGRESS, CASE_STATE.AWAITING_RETURN] as const;

/** Open cases, longest without progress first (the SLA clock); assign, note, move, close. */
export function CasesPage({ session }: { session: Session }) {
  const t = useT();
  const [mine, setMine] = useState(false);
  const [openOnly, setOpenOnly] = useState(true);
  const q = useLoad(() => api.GET('/api/after-sales', { params: { query: { ...(openOnly ? { open: 'true' } : {}), ...(mine ? { assignee: session.name } : {}) } } }), [mine, openOnly]);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  // Bumped by every action: the timeline reads the case itself and must reload after one, whether
  // or not the list (the read model, written by the case's activity a moment later) shows it yet.
  const [acted, setActed] = useState(0);
  const items = [...(q.data?.items ?? [])].sort((a, b) => a.lastProgressAt.localeCompare(b.lastProgressAt));
  const current = items.find((c) => c.caseKey === selected) ?? null;
  const done = (id: string, r: { data?: { case: Case } | undefined; error?: unknown; response: Response }) => {
    setNotice(r.data ? { kind: 'ok', text: t('cases.updated', { id, state: r.data.case.state }) } : { kind: 'error', text: errorText(r.error, r.response.status) });
    setActed((n) => n + 1);
    q.reload();
  };
  return (
    <section aria-labelledby="cases-title">
      <div class="row">
        <h1 id="cases-title">{t('cases.title')}</h1>
        <label class="inline">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} /> {`${t('cases.mine')} ${session.name}`}
        </label>
        <label class="inline">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.currentTarget.checked)} /> {t('cases.openOnly')}
        </label>
        <button type="button" onClick={q.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <Notice text={notice?.text ?? null} kind={notice?.kind ?? 'ok'} />
      <Loading state={q} />
      {q.data && items.length === 0 && <p>{t('common.empty')}</p>}
      {items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('cases.number')}</th>
              <th scope="col">{t('cases.type')}</th>
              <th scope="col">{t('common.state')}</th>
              <th scope="col">{t('decisions.order')}</th>
              <th scope="col">{t('cases.assignee')}</th>
              <th scope="col">{t('cases.sla')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.caseKey} aria-selected={c.caseKey === selected}>
                <td>
                  <button type="button" class="link" onClick={() => setSelected(c.caseKey)}>
                    {c.caseNumber ?? c.caseKey}
                  </button>
                </td>
                <td>{c.type}</td>
                <td>{c.state}</td>
                <td>{c.orderKey ? <a href={`#/orders/${encodeURIComponent(c.orderKey)}`}>{c.orderKey}</a> : '—'}</td>
                <td>{c.assignee ? `${c.assignee.kind}: ${c.assignee.id}` : '—'}</td>
                <td>{age(c.lastProgressAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {current && <CaseTimeline key={`${current.caseKey}-${current.lastProgressAt}-${current.state}-${acted}`} id={current.caseNumber ?? current.caseKey} />}
      {current && can(session.roles, 'POST /api/after-sales/{id}/close') && <CaseActions key={current.caseKey} c={current} onDone={done} />}
    </section>
  );
}

/** The case's own timeline (notes, assignments, state changes), reloaded when the case moves. */
function CaseTimeline({ id }: { id: string }) {
  const t = useT();
  const q = useLoad(() => api.GET('/api/after-sales/{id}', { params: { path: { id } } }), [id]);
  return (
    <section class="panel" aria-labelledby="case-tl">
      <h2 id="case-tl">{`${id} · ${t('order.timeline')}`}</h2>
      <Loading state={q} />
      <ol class="timeline">
        {caseTimelineOf(q.data).map((e, i) => (
          <li key={i}>
            <strong>{e.kind}</strong> <time dateTime={e.at}>{localTime(e.at)}</time> — {e.text} ({e.actor})
          </li>
        ))}
      </ol>
    </section>
  );
}

function CaseActions({ c, onDone }: { c: Case; onDone: (id: string, r: { data?: { case: Case } | undefined; error?: unknown; response: Response }) => void }) {
  const t = useT();
  const label = c.caseNumber ?? c.caseKey;
  const path = { params: { path: { id: c.caseNumber ?? c.caseKey } } };
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const [state, setState] = useState<(typeof MOVABLE)[number]>(MOVABLE[0]);
  const [reason, setReason] = useState('');
  const [confirmClose, setConfirmClose] = useState(false);
  return (
    <section class="panel" aria-label={label}>
      <h2>
        {label} {c.amount ? `· ${money(c.amount)}` : ''}
      </h2>
      <form class="row" onSubmit={(e) => (e.preventDefault(), void api.POST('/api/after-sales/{id}/assign', { ...path, body: { kind: 'person', id: assignee } }).then((r) => onDone(label, r)))}>
        <label>
          {t('cases.assignTo')}
          <input required value={assignee} onInput={(e) => setAssignee(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('cases.assign')}</button>
      </form>
      <form class="row" onSubmit={(e) => (e.preventDefault(), void api.POST('/api/after-sales/{id}/notes', { ...path, body: { text: note } }).then((r) => (onDone(label, r), setNote(''))))}>
        <label>
          {t('cases.note')}
          <input required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('cases.addNote')}</button>
      </form>
      <form class="row" onSubmit={(e) => (e.preventDefault(), void api.POST('/api/after-sales/{id}/state', { ...path, body: { state } }).then((r) => onDone(label, r)))}>
        <label>
          {t('cases.moveTo')}
          <select value={state} onChange={(e) => setState(MOVABLE.find((s) => s === e.currentTarget.value) ?? MOVABLE[0])}>
            {MOVABLE.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('cases.moveTo')}</button>
      </form>
      <form class="row" onSubmit={(e) => (e.preventDefault(), setConfirmClose(true))}>
        <label>
          {t('cases.closeReason')}
          <input required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button type="submit" class="danger">
          {t('cases.close')}
        </button>
      </form>
      {confirmClose && (
        <Confirm
          text={t('cases.confirmClose', { id: label })}
          onCancel={() => setConfirmClose(false)}
          onConfirm={() => {
            setConfirmClose(false);
            void api.POST('/api/after-sales/{id}/close', { ...path, body: { reason } }).then((r) => onDone(label, r));
          }}
        />
      )}
    </section>
  );
}
