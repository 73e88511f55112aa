import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { can } from '../access';
import { isRecord } from '../guards';
import { useT } from '../i18n';
import type { Ok, Session } from '../session';
import { Confirm, Loading, localTime, Notice, useLoad } from '../ui';

type Entry = Ok<'/api/quarantine', 'get'>['items'][number];

function orderKeyOf(data: unknown): string {
  return isRecord(data) && typeof data['orderKey'] === 'string' ? data['orderKey'] : '—';
}

/** Payloads that failed mapping, by channel and error: masked payload, replay one or all shown, discard. */
export function QuarantinePage({ session }: { session: Session }) {
  const t = useT();
  const [channel, setChannel] = useState('');
  const [errorCode, setErrorCode] = useState('');
  const q = useLoad(() => api.GET('/api/quarantine', { params: { query: { limit: 500, ...(channel ? { channel } : {}) } } }), [channel]);
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const [discard, setDiscard] = useState<Entry | null>(null);
  const [replayAll, setReplayAll] = useState(false);
  const [progress, setProgress] = useState<{ done: number; n: number; failed: number } | null>(null);
  const [payload, setPayload] = useState<{ id: string; text: string } | null>(null);
  const mayAct = can(session.roles, 'POST /api/quarantine/{id}/replay');
  const shown = (q.data?.items ?? []).filter((e) => !errorCode || e.error.code === errorCode);
  const channels = [...new Set((q.data?.items ?? []).map((e) => e.channel))];
  const codes = [...new Set((q.data?.items ?? []).map((e) => e.error.code))];

  const replay = (e: Entry) => api.POST('/api/quarantine/{id}/replay', { params: { path: { id: e.id } } });
  const replayOne = async (e: Entry) => {
    const r = await replay(e);
    setNotice(r.data ? { kind: 'ok', text: t('quarantine.replayed', { order: orderKeyOf(r.data) }) } : { kind: 'error', text: errorText(r.error, r.response.status) });
    q.reload();
  };
  const replayShown = async () => {
    setReplayAll(false);
    const list = [...shown];
    let failed = 0;
    setProgress({ done: 0, n: list.length, failed });
    // One after another: each replay starts a workflow; the progress line moves with each answer.
    for (const [i, e] of list.entries()) {
      const r = await replay(e);
      if (!r.data) failed++;
      setProgress({ done: i + 1, n: list.length, failed });
    }
    q.reload();
  };
  const doDiscard = async (e: Entry) => {
    setDiscard(null);
    const r = await api.POST('/api/quarantine/{id}/discard', { params: { path: { id: e.id } } });
    setNotice(r.data ? { kind: 'ok', text: `${t('quarantine.discard')}: ${r.data.discarded}` } : { kind: 'error', text: errorText(r.error, r.response.status) });
    q.reload();
  };
  const show = async (e: Entry) => {
    const r = await api.GET('/api/quarantine/{id}/masked', { params: { path: { id: e.id } } });
    setPayload({ id: e.id, text: r.data ? r.data.masked : errorText(r.error, r.response.status) });
  };
  return (
    <section aria-labelledby="q-title">
      <div class="row">
        <h1 id="q-title">{t('quarantine.title')}</h1>
        <label>
          {t('quarantine.channel')}
          <select value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
            <option value="">—</option>
            {channels.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          {t('quarantine.error')}
          <select value={errorCode} onChange={(e) => setErrorCode(e.currentTarget.value)}>
            <option value="">—</option>
            {codes.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={q.reload}>
          {t('common.refresh')}
        </button>
        {mayAct && shown.length > 0 && (
          <button type="button" onClick={() => setReplayAll(true)}>
            {t('quarantine.replayAll', { n: shown.length })}
          </button>
        )}
      </div>
      <Notice text={notice?.text ?? null} kind={notice?.kind ?? 'ok'} />
      {progress && (
        <p role="status">
          <progress max={progress.n} value={progress.done} aria-label={t('quarantine.replay')} /> {t('quarantine.progress', progress)}
        </p>
      )}
      <Loading state={q} />
      {q.data && shown.length === 0 && <p>{t('common.empty')}</p>}
      {shown.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('quarantine.receivedAt')}</th>
              <th scope="col">{t('quarantine.channel')}</th>
              <th scope="col">{t('quarantine.error')}</th>
              <th scope="col">{t('quarantine.attempts')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id} data-quarantine={e.id}>
                <td>{localTime(e.receivedAt)}</td>
                <td>
                  {e.channel}
                  <br />
                  <small>{e.mappingId}</small>
                </td>
                <td>
                  <code>{e.error.code}</code> {e.error.message}
                  {e.error.issues.map((i) => (
                    <div key={i.path}>
                      <code>{i.path}</code>: {i.message}
                    </div>
                  ))}
                </td>
                <td>{e.attempts}</td>
                <td class="actions">
                  <button type="button" aria-label={`${t('quarantine.show')} ${e.id}`} onClick={() => void show(e)}>
                    {t('quarantine.show')}
                  </button>
                  {mayAct && (
                    <>
                      <button type="button" aria-label={`${t('quarantine.replay')} ${e.id}`} onClick={() => void replayOne(e)}>
                        {t('quarantine.replay')}
                      </button>
                      <button type="button" class="danger" aria-label={`${t('quarantine.discard')} ${e.id}`} onClick={() => setDiscard(e)}>
                        {t('quarantine.discard')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {payload && (
        <section class="panel" aria-labelledby="payload-title">
          <div class="row">
            <h2 id="payload-title">{`${t('quarantine.payload')} ${payload.id}`}</h2>
            <button type="button" onClick={() => setPayload(null)}>
              {t('common.close')}
            </button>
          </div>
          <pre tabIndex={0}>{payload.text}</pre>
        </section>
      )}
      {discard && <Confirm text={t('quarantine.confirmDiscard', { id: discard.id })} onCancel={() => setDiscard(null)} onConfirm={() => void doDiscard(discard)} />}
      {replayAll && <Confirm text={t('quarantine.confirmReplayAll', { n: shown.length })} onCancel={() => setReplayAll(false)} onConfirm={() => void replayShown()} />}
    </section>
  );
}
