import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';
import { useT } from './i18n';

/** An API call's result as the typed client returns it. */
export interface Result<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** Loads once and on reload(); the error is the hub's message (it names the field and reason). */
export function useLoad<D>(load: () => Promise<Result<D>>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: D; error?: string; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (r) => live && setState(r.data !== undefined ? { data: r.data, loading: false } : { error: errorText(r.error, r.response.status), loading: false }),
      (err: unknown) => live && setState({ error: String(err), loading: false }),
    );
    return () => {
      live = false;
    };
    // The caller names what the load depends on, like a dependency list.
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

export function Loading({ state }: { state: { loading: boolean; error?: string | undefined } }) {
  const t = useT();
  if (state.error) return <p class="error" role="alert">{`${t('common.error')}: ${state.error}`}</p>;
  if (state.loading) return <p aria-busy="true">{t('common.loading')}</p>;
  return null;
}

/** One line telling what just happened, read out by screen readers. */
export function Notice({ text, kind }: { text: string | null; kind: 'ok' | 'error' }) {
  if (!text) return null;
  return (
    <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

/**
 * The confirmation step for anything that changes an order, a case or a payload: a modal dialog
 * (Esc cancels, focus starts on Cancel so Enter alone never confirms by accident).
 */
export function Confirm({ text, onConfirm, onCancel, children }: { text: string; onConfirm: () => void; onCancel: () => void; children?: ComponentChildren }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-text" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <p id="confirm-text">{text}</p>
      {children}
      <div class="row">
        <button type="button" autofocus onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" class="primary" onClick={onConfirm}>
          {t('common.confirm')}
        </button>
      </div>
    </dialog>
  );
}

/** "2 h 5 min" since an ISO time. */
export function age(iso: string, now = Date.now()): string {
  const mins = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (mins < 60) return `${mins} min`;
  const h = Math.floor(mins / 60);
  if (h < 48) return `${h} h ${mins % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const DIGITS: Record<string, number> = { JPY: 0, KRW: 0 };

/** Integer minor units to a decimal string with the currency. */
export function money(m: { minor: number; currency: string }): string {
  const d = DIGITS[m.currency] ?? 2;
  return `${(m.minor / 10 ** d).toFixed(d)} ${m.currency}`;
}

export function localTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}
