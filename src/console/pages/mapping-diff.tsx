import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { useT } from '../i18n';
import { Notice } from '../ui';

type DiffReport = NonNullable<Awaited<ReturnType<typeof runDiff>>['data']>;
interface DiffBody {
  from: string;
  to: string;
  since: string;
  channel?: string;
}

function runDiff(body: DiffBody) {
  return api.POST('/api/mappings/diff', { body });
}

const VERSIONED = /^(.+)\.v(\d+)$/;

/** Mapping families (adapter/name) with their loaded version ids, newest last. */
export function versionsByFamily(ids: readonly string[]): Map<string, string[]> {
  const families = new Map<string, string[]>();
  for (const id of ids) {
    const m = VERSIONED.exec(id);
    if (!m?.[1]) continue;
    families.set(m[1], [...(families.get(m[1]) ?? []), id]);
  }
  for (const list of families.values()) list.sort((a, b) => Number(VERSIONED.exec(a)?.[2]) - Number(VERSIONED.exec(b)?.[2]));
  return families;
}

const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** What a new version of the chosen mapping would change over the payloads the hub kept. */
export function DiffPanel({ ids }: { ids: readonly string[] }) {
  const t = useT();
  const families = versionsByFamily(ids);
  const [family, setFamily] = useState('');
  const chosen = family || [...families.keys()][0] || '';
  const versions = families.get(chosen) ?? [];
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [since, setSince] = useState('7d');
  const [channel, setChannel] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<DiffReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fromId = versions.includes(from) ? from : (versions[0] ?? '');
  const toId = versions.includes(to) ? to : (versions[versions.length - 1] ?? '');
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setReport(null);
    const r = await runDiff({ from: fromId, to: toId, since: since.trim() || '7d', ...(channel.trim() ? { channel: channel.trim() } : {}) });
    setBusy(false);
    if (r.data) setReport(r.data);
    else setError(errorText(r.error, r.response.status));
  };
  return (
    <div class="panel" role="region" aria-labelledby="diff-title">
      <h2 id="diff-title">{t('diff.title')}</h2>
      <form onSubmit={(e) => void run(e)}>
        <label>
          {t('diff.family')}
          <select name="diff-family" value={chosen} onChange={(e) => setFamily(e.currentTarget.value)}>
            {[...families.keys()].map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          {t('diff.from')}
          <select name="diff-from" value={fromId} onChange={(e) => setFrom(e.currentTarget.value)}>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          {t('diff.to')}
          <select name="diff-to" value={toId} onChange={(e) => setTo(e.currentTarget.value)}>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          {t('diff.since')}
          <input value={since} onInput={(e) => setSince(e.currentTarget.value)} placeholder="7d" />
        </label>
        <label>
          {t('diff.channel')}
          <input value={channel} onInput={(e) => setChannel(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy || !fromId || !toId}>
          {t('diff.run')}
        </button>
      </form>
      <Notice text={error} kind="error" />
      {report && (
        <div aria-live="polite" data-diff-report>
          <p role="status">{t('diff.summary', { n: report.payloads, identical: report.identical, changed: report.changed, bothFail: report.bothFail })}</p>
          {report.fields.length > 0 && (
            <table>
              <caption>{t('diff.fields')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('diff.field')}</th>
                  <th scope="col">{t('diff.count')}</th>
                  <th scope="col">{t('diff.examples')}</th>
                </tr>
              </thead>
              <tbody>
                {report.fields.map((f) => (
                  <tr key={f.path} data-diff-field={f.path}>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td>{f.count}</td>
                    <td>
                      {f.examples.map((x) => (
                        <div key={x.payloadId}>
                          <code>{show(x.before)}</code> → <code>{show(x.after)}</code> <small>#{x.payloadId}</small>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <PayloadList title={t('diff.newlyFailing')} items={report.newlyFailing} />
          <PayloadList title={t('diff.newlySucceeding')} items={report.newlySucceeding} />
        </div>
      )}
    </div>
  );
}

function PayloadList({ title, items }: { title: string; items: DiffReport['newlyFailing'] }) {
  const t = useT();
  return (
    <>
      <h3>{`${title} (${items.length})`}</h3>
      {items.length === 0 ? (
        <p>{t('diff.none')}</p>
      ) : (
        <ul>
          {items.map((p) => (
            <li key={p.payloadId}>
              <code>#{p.payloadId}</code> {p.channel} · {p.receivedAt}
              {p.error ? `: ${p.error}` : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
