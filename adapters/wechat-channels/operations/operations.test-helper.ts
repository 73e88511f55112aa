import { sandbox, type WeChatSandbox } from '../sandbox.js';
import { WeChatTransport } from '../transport.js';

/** A running WeChat sandbox and a transport pointed at it, for the operation tests. */
export async function sandboxTransport(): Promise<{ sb: WeChatSandbox; transport: WeChatTransport }> {
  const sb = await sandbox.start();
  const cfg = sb.connectorConfig();
  const transport = new WeChatTransport({ appId: String(cfg['appId']), appSecret: String(cfg['appSecret']), baseUrl: sb.server.url, timeoutMs: 5000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
  return { sb, transport };
}
