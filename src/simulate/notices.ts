/**
 * Robot messages naming each order. A robot message ends with one `order: <key>` line per order
 * it carries (markdown quotes it as `> order: <key>`): one for a single notice, one per notice in
 * a message the router merged past the robot's rate. The lines are unmasked, unlike the text,
 * which masks every 11-digit run as a phone (a Pinduoduo order number can be one).
 */
export function noticesByOrder(messages: readonly { content: string }[], orderKeys: readonly string[]): Map<string, string[]> {
  const known = new Set(orderKeys);
  const out = new Map<string, string[]>();
  for (const m of messages) {
    const keys = new Set([...m.content.matchAll(/^(?:> )?order: (\S+)$/gm)].map((x) => x[1] ?? ''));
    for (const key of keys) if (known.has(key)) out.set(key, [...(out.get(key) ?? []), m.content]);
  }
  return out;
}
