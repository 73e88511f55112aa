import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ROLE } from '../access';
import { isRecord } from '../guards';
import { useT } from '../i18n';
import type { Session } from '../session';
import { Loading, useLoad } from '../ui';
import { DiffPanel } from './mapping-diff';

/** Error details of a failed dry run: each issue's JSON path and message. */
function issuesOf(error: unknown): { path: string; message: string }[] {
  if (!isRecord(error) || !isRecord(error['error']) || !isRecord(error['error']['details'])) return [];
  const issues = error['error']['details']['issues'];
  return Array.isArray(issues) ? issues.filter(isRecord).map((i) => ({ path: String(i['path']), message: String(i['message']) })) : [];
}

/** Try a mapping on a payload: the canonical order, or the error with its JSON path. Nothing is stored. */
export function PlaygroundPage({ session }: { session: Session }) {
  const t = useT();
  // The diff reads kept payloads (raw buyer data): the hub allows platform engineers alone, no lead override.
  const canDiff = session.roles.includes(ROLE.PLATFORM_ENGINEER);
  const list = useLoad(() => api.GET('/api/mappings'), []);
  const kept = useLoad(() => api.GET('/api/quarantine', { params: { query: { limit: 100 } } }), []);
  const loadKept = async (id: string) => {
    if (!id) return;
    const r = await api.GET('/api/quarantine/{id}/raw', { params: { path: { id } } });
    if (r.data) {
      setPayload(r.data.rawBody);
      const entry = kept.data?.items.find((e) => e.id === id);
      if (entry) setMapping(entry.mappingId);
    } else setResult({ ok: false, text: errorText(r.error, r.response.status), issues: [] });
  };
  const [mapping, setMapping] = useState('');
  const [payload, setPayload] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string; issues: { path: string; message: string }[] } | null>(null);
  const ids = (list.data?.mappings ?? []).filter((m) => !m.error).map((m) => m.id);
  const chosen = mapping || ids[0] || '';
  const run = async (e: Event) => {
    e.preventDefault();
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch (err) {
      setResult({ ok: false, text: `payload: ${String(err)}`, issues: [] });
      return;
    }
    const [adapter = '', name = ''] = chosen.split('/');
    const r = await api.POST('/api/mappings/{adapter}/{mapping}/dry-run', { params: { path: { adapter, mapping: name } }, body });
    setResult(r.data ? { ok: true, text: JSON.stringify(r.data.order, null, 2), issues: [] } : { ok: false, text: errorText(r.error, r.response.status), issues: issuesOf(r.error) });
  };
  return (
    <section aria-labelledby="pg-title">
      <h1 id="pg-title">{t('playground.title')}</h1>
      <Loading state={list} />
      <form onSubmit={(e) => void run(e)}>
        <label>
          {t('playground.mapping')}
          <select name="mapping" value={chosen} onChange={(e) => setMapping(e.currentTarget.value)}>
            {ids.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
        {(kept.data?.items.length ?? 0) > 0 && (
          <label>
            {t('playground.fromQuarantine')}
            <select onChange={(e) => void loadKept(e.currentTarget.value)}>
              <option value="">—</option>
              {kept.data?.items.map((e) => (
                <option key={e.id} value={e.id}>{`${e.channel} · ${e.error.code} · ${e.id.slice(0, 8)}`}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('playground.payload')}
          <textarea rows={12} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} spellcheck={false} />
        </label>
        <button type="submit" class="primary">
          {t('playground.run')}
        </button>
      </form>
      {result && (
        <section class="panel" aria-live="polite">
          <h2>{t(result.ok ? 'playground.ok' : 'playground.failed')}</h2>
          {result.issues.map((i) => (
            <p key={i.path}>
              <code>{i.path}</code>: {i.message}
            </p>
          ))}
          <pre tabIndex={0}>{result.text}</pre>
        </section>
      )}
      {canDiff && <DiffPanel ids={ids} />}
    </section>
  );
}
