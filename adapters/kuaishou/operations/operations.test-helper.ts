import { sandbox, type KuaishouSandbox } from '../sandbox.js';
import { KuaishouTransport } from '../transport.js';

/** A running Kuaishou sandbox and a transport pointed at it, for the operation tests. */
export async function sandboxTransport(): Promise<{ sb: KuaishouSandbox; transport: KuaishouTransport }> {
  const sb = await sandbox.start();
  const cfg = sb.connectorConfig();
  const transport = new KuaishouTransport({ appKey: String(cfg['appKey']), signSecret: String(cfg['signSecret']), accessToken: String(cfg['accessToken']), baseUrl: sb.server.url, timeoutMs: 5000, fetch: (i, n) => globalThis.fetch(i, n), now: () => new Date() });
  return { sb, transport };
}
