import { parseJsonSafe } from '../util/json.js';
import { HttpError } from './errors.js';

/**
 * An /api request body as JSON, read by the hub's own reader rather than req.json(): the nesting
 * is capped before parsing (a 10^5-deep body held the event loop in JSON.parse) and big integers
 * stay exact. Bad JSON is a 400 naming the body.
 */
export async function readJsonBody(req: { text(): Promise<string> }): Promise<unknown> {
  const text = await req.text();
  try {
    return parseJsonSafe(text);
  } catch (err) {
    const why = err instanceof SyntaxError && err.message.startsWith('JSON nests') ? ` (${err.message})` : '';
    throw new HttpError(400, 'invalid_json', `body: not valid JSON${why}`);
  }
}
