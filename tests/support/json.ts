/**
 * Tests look into arbitrary JSON responses with toMatchObject; typing every response body would
 * duplicate the zod schemas the hub already validates with, so test bodies are loosely typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function json(res: Response): Promise<Json> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON, got HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
}
