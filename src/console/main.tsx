import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText, keyStore } from './api';
import { can } from './access';
import { LANGS, LangContext, translator, useT, type Lang, type MessageKey } from './i18n';
import { DecisionsPage } from './pages/decisions';
import { OrdersPage } from './pages/orders';
import { CasesPage } from './pages/cases';
import { QuarantinePage } from './pages/quarantine';
import { FinancePage } from './pages/finance';
import { HealthPage } from './pages/health';
import { PlaygroundPage } from './pages/playground';
import type { Session } from './session';
import './styles.css';

interface PageDef {
  id: string;
  label: MessageKey;
  /** The operation whose roles decide whether the page is offered; null: every key. */
  operation: string | null;
  render: (s: Session, route: string[]) => preact.JSX.Element;
}

/** In the order of the priorities; each shown only to keys that may read it. */
const PAGES: PageDef[] = [
  { id: 'decisions', label: 'nav.decisions', operation: 'GET /api/decisions', render: (s) => <DecisionsPage session={s} /> },
  { id: 'orders', label: 'nav.orders', operation: 'GET /api/orders', render: (s, r) => <OrdersPage session={s} orderKey={r[1] ?? null} /> },
  { id: 'cases', label: 'nav.cases', operation: 'GET /api/after-sales', render: (s) => <CasesPage session={s} /> },
  { id: 'quarantine', label: 'nav.quarantine', operation: 'GET /api/quarantine', render: (s) => <QuarantinePage session={s} /> },
  { id: 'finance', label: 'nav.finance', operation: 'GET /api/finance/reconciliation', render: () => <FinancePage /> },
  { id: 'health', label: 'nav.health', operation: null, render: (s) => <HealthPage session={s} /> },
  { id: 'playground', label: 'nav.playground', operation: 'GET /api/mappings', render: (s) => <PlaygroundPage session={s} /> },
];

const LANG_STORAGE = 'zhongshu.lang';

/** The route is the hash (#/orders/<key>): the console is one page, and no key ever goes in it. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent).filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Login({ onSession }: { onSession: (s: Session) => void }) {
  const t = useT();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    keyStore.set(key.trim());
    const r = await api.GET('/api/session');
    if (r.data) return onSession(r.data);
    keyStore.clear();
    setError(errorText(r.error, r.response.status));
  };
  return (
    <main class="login">
      <h1>{t('app.title')}</h1>
      <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h2 id="login-title">{t('login.title')}</h2>
        <label>
          {t('login.key')}
          <input type="password" name="apiKey" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t('login.submit')}
        </button>
        <p class="hint">{t('login.hint')}</p>
        {error && (
          <p class="error" role="alert">
            {`${t('login.failed')}: ${error}`}
          </p>
        )}
      </form>
    </main>
  );
}

function Shell({ session, onLogout, onLang }: { session: Session; onLogout: () => void; onLang: () => void }) {
  const t = useT();
  const route = useRoute();
  const pages = PAGES.filter((p) => p.operation === null || can(session.roles, p.operation));
  const current = pages.find((p) => p.id === route[0]) ?? pages[0];
  const offered = PAGES.find((p) => p.id === route[0]);
  return (
    <div class="shell">
      <header>
        <strong>{t('app.title')}</strong>
        <nav aria-label={t('nav.label')}>
          {pages.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p === current ? 'page' : undefined}>
              {t(p.label)}
            </a>
          ))}
        </nav>
        <span class="who" title={`${t('common.roles')}: ${session.roles.join(', ')}`}>
          {session.name}
        </span>
        <button type="button" onClick={onLang} lang={t('lang.switch') === 'English' ? 'en' : 'zh'}>
          {t('lang.switch')}
        </button>
        <button type="button" onClick={onLogout}>
          {t('logout')}
        </button>
      </header>
      <main>{offered && !pages.includes(offered) ? <p role="alert">{t('forbidden.page')}</p> : current ? current.render(session, route) : null}</main>
    </div>
  );
}

function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_STORAGE) === LANGS.EN ? LANGS.EN : LANGS.ZH));
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => keyStore.get() !== null);
  const ctx = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang === LANGS.ZH ? 'zh-CN' : 'en';
    document.title = ctx.t('app.title');
  }, [lang, ctx]);
  // A reload in the same tab keeps the session: the key is still in session storage.
  useEffect(() => {
    if (!checking) return;
    void api.GET('/api/session').then((r) => {
      if (r.data) setSession(r.data);
      else keyStore.clear();
      setChecking(false);
    });
  }, [checking]);
  const switchLang = () => {
    const next = lang === LANGS.ZH ? LANGS.EN : LANGS.ZH;
    localStorage.setItem(LANG_STORAGE, next);
    setLang(next);
  };
  const logout = () => {
    keyStore.clear();
    setSession(null);
    window.location.hash = '';
  };
  return (
    <LangContext.Provider value={ctx}>
      {checking ? null : session ? <Shell session={session} onLogout={logout} onLang={switchLang} /> : <Login onSession={setSession} />}
    </LangContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
