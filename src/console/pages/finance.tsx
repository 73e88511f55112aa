import { useState } from 'preact/hooks';
import { download } from '../api';
import { useT } from '../i18n';
import { Notice } from '../ui';

function lastMonth(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** A month's reconciliation as the CSV finance opens in Excel (UTF-8 with BOM), summary or detail. */
export function FinancePage() {
  const t = useT();
  const [month, setMonth] = useState(lastMonth);
  const [view, setView] = useState<'summary' | 'detail'>('summary');
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const params = new URLSearchParams({ month, format: 'csv', view });
    const r = await download(`/api/finance/reconciliation?${params.toString()}`, `reconciliation-${month}-${view}.csv`);
    setBusy(false);
    setNotice(r.ok ? { kind: 'ok', text: t('finance.downloaded', { name: r.name }) } : { kind: 'error', text: r.message });
  };
  return (
    <section aria-labelledby="fin-title">
      <h1 id="fin-title">{t('finance.title')}</h1>
      <form class="row" onSubmit={(e) => void submit(e)}>
        <label>
          {t('finance.month')}
          <input type="month" name="month" required value={month} onInput={(e) => setMonth(e.currentTarget.value)} />
        </label>
        <fieldset class="inline">
          <legend>{t('finance.view')}</legend>
          <label class="inline">
            <input type="radio" name="view" checked={view === 'summary'} onChange={() => setView('summary')} /> {t('finance.summary')}
          </label>
          <label class="inline">
            <input type="radio" name="view" checked={view === 'detail'} onChange={() => setView('detail')} /> {t('finance.detail')}
          </label>
        </fieldset>
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {t('finance.download')}
        </button>
      </form>
      <Notice text={notice?.text ?? null} kind={notice?.kind ?? 'ok'} />
    </section>
  );
}
