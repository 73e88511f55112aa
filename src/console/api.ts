import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/openapi';

export type Schemas = components['schemas'];
export type ApiError = Schemas['Error'];

/** The key lives in this tab's session storage only: never in a URL, gone when the tab closes. */
const KEY_STORAGE = 'zhongshu.apiKey';

export const keyStore = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

const auth: Middleware = {
  onRequest({ request }) {
    const key = keyStore.get();
    if (key) request.headers.set('authorization', `Bearer ${key}`);
    return request;
  },
};

/** Typed from the hub's OpenAPI document (src/console/generated, made by src/http/console-client.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The hub's error body (code, message naming the field), or a line for a failure without one. */
export function errorText(error: unknown, status?: number): string {
  if (typeof error === 'object' && error !== null && 'error' in error) {
    const e = (error as ApiError).error;
    return `${e.message} (${e.code}${status ? `, ${status}` : ''})`;
  }
  return status ? `HTTP ${status}` : String(error);
}

/** Fetches a download with the key in a header (never the URL) and hands it to the browser as a file. */
export async function download(path: string, fallbackName: string): Promise<{ ok: true; name: string } | { ok: false; message: string }> {
  const key = keyStore.get();
  const res = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null);
    return { ok: false, message: errorText(body, res.status) };
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true, name };
}
