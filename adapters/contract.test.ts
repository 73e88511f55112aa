import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAdapterContract, defineAdapter, type ContractOptions } from '../src/testing/index.js';
import { AdapterError } from '../src/sdk/errors.js';
import type { AdapterDefinition } from '../src/sdk/define.js';
import { packageRoot } from '../src/util/package-info.js';
import { dingtalkSign } from './dingtalk/sign.js';
import { signDouyin } from './douyin/transport.js';
import { signDouyinPush } from './douyin/webhook.js';
import { emsSignature } from './ems/transport.js';
import { BUILTIN_ADAPTERS } from './index.js';
import { signJd } from './jd/transport.js';
import { kdniaoDataSign } from './kdniao/transport.js';
import { signKuaishou } from './kuaishou/transport.js';
import { encryptKuaishou } from './kuaishou/webhook.js';
import { signErpBody } from './legacy-erp/signature.js';
import { signPdd } from './pinduoduo/transport.js';
import { sfMsgDigest } from './sf-express/transport.js';
import { signShopifyBody } from './shopify/webhook.js';
import { signTop } from './taobao/transport.js';
import { signEnterprise, signUltimate } from './wangdiantong/sign.js';
import { wechatSignature } from './wechat-channels/webhook.js';
import { signYouzanPush } from './youzan/webhook.js';

/**
 * The contract kit partners run (zhongshu/testing), run over every built-in adapter: manifest,
 * config schema (secret fields marked and refusing literals), capabilities offered by the
 * instance and undeclared ones refused, signature known-answer vectors, webhook verification,
 * and the fixtures of every mapping the manifest names.
 *
 * The vectors are the independently computed ones of each adapter's own signing tests (the
 * comment there says how each was worked out); here they prove the adapter as registered passes
 * the same kit a partner's would.
 */
const MAPPINGS = path.join(packageRoot(), 'mappings');
const env = { SECRET: 'contract-secret', TOKEN: 'contract-token', ULTIMATE: 'contract-secret:salt' };
const raw = (s: string) => new TextEncoder().encode(s);

const DOUYIN_PUSH = '[{"tag":"105","msg_id":"7012345678901234567","data":"{\\"p_id\\":4987654321098765432,\\"shop_id\\":12345,\\"receiver_msg\\":{}}"}]';
const YOUZAN_MSG = '%7B%22full_order_info%22%3A%7B%22order_info%22%3A%7B%22tid%22%3A%22E20240501100000012345%22%2C%22status%22%3A%22WAIT_SELLER_SEND_GOODS%22%7D%7D%7D';
const youzanPush = (sign: string) => raw(JSON.stringify({ client_id: 'yz-client', id: 'E20240501100000012345', kdt_id: 1, type: 'trade_TradePaid', msg: YOUZAN_MSG, msg_id: 'm-1', version: 1, sendCount: 0, test: false, sign }));
// ERP webhooks carry their own timestamp inside the MAC and are refused 5 minutes off: sign now.
const ERP_TS = String(Math.floor(Date.now() / 1000));
const ERP_EVENT = '{"id":"evt-1","type":"order.shipped","data":{"order_no":"SO1","tracking_no":"SF1","carrier":"SF"}}';
// WeChat signs the push in the query (plaintext mode: token, timestamp, nonce); vector from wechat-channels/webhook.test.ts.
const WECHAT_PUSH = '{"CreateTime":1794326400,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928}}';
const WECHAT_QUERY = { timestamp: '1794326405', nonce: '1320562132', signature: '2de43da935b9b0d790845c590d14a9dd1a0825b0' };
// Kuaishou pushes are AES-CBC with the app's message key (no signature); vectors from kuaishou/transport.test.ts.
const KS_KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const KS_PUSH = encryptKuaishou('{"eventId":"e1","bizId":2015600256209850123,"appKey":"ks650000000000000001","event":"kwaishop_order_paySuccess","info":"{}"}', KS_KEY);
const OWN_EVENT = '{"id":"evt-1","type":"order.paid","order":{"orderNo":"MP20261111000123"}}';
const TOP_PARAMS = { method: 'taobao.trade.fullinfo.get', app_key: '12345678', session: 'test-session', timestamp: '2024-05-01 10:00:00', format: 'json', v: '2.0', fields: 'tid,status,payment', tid: '4012345678901234567' };

const CASES: Record<string, ContractOptions> = {
  // LWA token exchange and SP-API calls are not signed by the hub (AWS SigV4 is no longer required): no vectors.
  amazon: { validConfig: { marketplaceIds: ['ATVPDKIKX0DER'], lwa: { clientId: 'amzn1.application-oa2-client.x', clientSecret: '${SECRET}', refreshToken: '${TOKEN}' } } },
  dingtalk: {
    validConfig: { accessToken: '${TOKEN}', signSecret: '${SECRET}' },
    signatureVectors: [{ name: 'robot sign (DingTalk docs example)', compute: () => dingtalkSign(1577262236757, 'SEC123abc'), expected: 'o50i6lDQOnnBeTNq1pDLqpmh9MTyJHmR%2Bb4hDA3bEeg%3D' }],
  },
  douyin: {
    validConfig: { appKey: '7000000000000000001', appSecret: '${SECRET}', accessToken: '${TOKEN}' },
    publicFields: [{ path: 'appKey', reason: 'sent in clear as app_key with every call and as the app-id header of every push' }],
    env: { ...env, SECRET: 'dy-secret' },
    signatureVectors: [
      { name: 'push event-sign', compute: () => signDouyinPush(DOUYIN_PUSH, '7000000000000000001', 'dy-secret'), expected: '24e00bad8aa9b3c52d9ee5ca290ff94a' },
      {
        name: 'API hmac-sha256',
        compute: () => signDouyin({ appKey: '7000000000000000001', appSecret: 'dy-secret', method: 'order.searchList', paramJson: '{"order_by":"update_time","page":0,"size":100,"update_time_end":1714528800,"update_time_start":1714527000}', timestamp: '1714528800' }),
        expected: 'd70704d3eb0a6371ac75fa83fad48e9eeacfa6ae04872b8ff0f0f5d4ced5a393',
      },
    ],
    webhookVectors: [
      { name: 'signed push', request: { headers: { 'event-sign': '24e00bad8aa9b3c52d9ee5ca290ff94a', 'app-id': '7000000000000000001' }, rawBody: raw(DOUYIN_PUSH) }, valid: true },
      { name: 'tampered body', request: { headers: { 'event-sign': '24e00bad8aa9b3c52d9ee5ca290ff94a' }, rawBody: raw(DOUYIN_PUSH.replace('105', '101')) }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
  ems: {
    validConfig: { baseUrl: 'https://ems.example', partnerId: 'zs', secret: '${SECRET}' },
    signatureVectors: [{ name: 'X-Zs-Signature', compute: () => emsSignature('ems-secret', '1700000000000', '{"orderId":"ZS-0001"}'), expected: '48085f6f6d42483bae0085fd205f402a9ab12f69e00e03f55e8588e04fc16bb5' }],
    mappingsDir: MAPPINGS,
  },
  jd: {
    validConfig: { appKey: 'jd-app', appSecret: '${SECRET}', accessToken: '${TOKEN}' },
    publicFields: [{ path: 'appKey', reason: 'sent in clear as app_key with every JOS request' }],
    signatureVectors: [
      {
        name: 'upper(MD5(secret + sorted k+v + secret))',
        compute: () =>
          signJd({ method: 'jingdong.pop.order.search', app_key: 'jd-app', access_token: 'jd-token', timestamp: '2024-05-01 10:00:00', v: '2.0', '360buy_param_json': '{"start_date":"2024-05-01 09:28:00","end_date":"2024-05-01 10:00:00","page":"1","page_size":"100","dateType":0}' }, 'jd-secret'),
        expected: '646CC3FDD6323C7FA2F8CF70429B277D',
      },
    ],
    mappingsDir: MAPPINGS,
  },
  kdniao: {
    validConfig: { eBusinessId: '1234567', appKey: '${SECRET}' },
    signatureVectors: [{ name: 'DataSign', compute: () => kdniaoDataSign('{"OrderCode":"","ShipperCode":"SF","LogisticCode":"SF1234567890123","CustomerName":"5678"}', '56da2cf8-c8a2-44b2-b6fa-476cd7d1ba17'), expected: 'YzdiOGZlMzA5YTU2OGJiZDljMDJhODdjMTg3N2VjZDU%3D' }],
  },
  // Kingdee authenticates with a session login (LoginByAppSecret), it signs nothing: no vectors.
  kingdee: {
    validConfig: { baseUrl: 'https://erp.example/k3cloud', acctId: 'acct', username: 'zs', appId: 'app', appSecret: '${SECRET}', saleOrgNumber: '100', customerNumber: 'C001', materials: { 'SKU-1': '1.01.001' } },
  },
  kuaishou: {
    validConfig: { appKey: 'ks650000000000000001', signSecret: '${SECRET}', accessToken: '${TOKEN}', messageKey: '${KSKEY}' },
    publicFields: [{ path: 'appKey', reason: 'sent in clear as appkey with every call and inside every push' }],
    env: { ...env, KSKEY: KS_KEY },
    signatureVectors: [
      {
        name: 'HMAC_SHA256 Base64 over sorted system parameters + signSecret',
        compute: () => signKuaishou({ access_token: 'ks-token', appkey: 'ks650000000000000001', method: 'open.order.detail', param: '{"oid":2015600256209850123}', signMethod: 'HMAC_SHA256', timestamp: '1794326405000', version: '1' }, 'ks-sign-secret'),
        expected: 'DM9jFAupgcupG5qB5EOorH3A5p5ml9x4slDIrWAyVYA=',
      },
    ],
    webhookVectors: [
      { name: 'encrypted push of this app', request: { headers: {}, rawBody: raw(KS_PUSH) }, valid: true },
      { name: 'the same message in clear', request: { headers: {}, rawBody: raw('{"eventId":"e1","bizId":1,"appKey":"ks650000000000000001","event":"kwaishop_order_paySuccess"}') }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
  'legacy-erp': {
    validConfig: {
      connection: '${SECRET}',
      poll: { table: 'sales_orders', keyColumn: 'order_no', updatedAtColumn: 'updated_at', syncedColumn: 'is_synced' },
      writeBack: { table: 'hub_shipments' },
      webhook: { secret: '${TOKEN}' },
    },
    signatureVectors: [{ name: 'webhook HMAC (pinned: key "k", timestamp 1700000000, body "{}")', compute: () => signErpBody('k', '1700000000', '{}'), expected: 'sha256=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146' }],
    webhookVectors: [
      { name: 'signed event', request: { headers: { 'x-zhongshu-timestamp': ERP_TS, 'x-zhongshu-signature': signErpBody(env.TOKEN, ERP_TS, ERP_EVENT) }, rawBody: raw(ERP_EVENT) }, valid: true },
      { name: 'tampered body', request: { headers: { 'x-zhongshu-timestamp': ERP_TS, 'x-zhongshu-signature': signErpBody(env.TOKEN, ERP_TS, ERP_EVENT) }, rawBody: raw(ERP_EVENT.replace('SF1', 'SF2')) }, valid: false },
      { name: 'timestamp an hour old', request: { headers: { 'x-zhongshu-timestamp': String(Number(ERP_TS) - 3600), 'x-zhongshu-signature': signErpBody(env.TOKEN, String(Number(ERP_TS) - 3600), ERP_EVENT) }, rawBody: raw(ERP_EVENT) }, valid: false },
    ],
  },
  // Own-store events carry their timestamp inside the MAC like the ERP webhook: signed now.
  'own-store': {
    validConfig: { webhookSecret: '${SECRET}', callbackSecret: '${TOKEN}' },
    signatureVectors: [{ name: 'event HMAC (pinned: key "own-secret", timestamp 1714528800)', compute: () => signErpBody('own-secret', '1714528800', '{"id":"evt-1","type":"order.paid","order":{"orderNo":"MP20261111000123"}}'), expected: 'sha256=a1b8dc984d115a170732a15af616681683f941ffbb4a053f4c49eb1241864227' }],
    webhookVectors: [
      { name: 'signed event', request: { headers: { 'x-zhongshu-timestamp': ERP_TS, 'x-zhongshu-signature': signErpBody(env.SECRET, ERP_TS, OWN_EVENT) }, rawBody: raw(OWN_EVENT) }, valid: true },
      { name: 'signed with the callback secret', request: { headers: { 'x-zhongshu-timestamp': ERP_TS, 'x-zhongshu-signature': signErpBody(env.TOKEN, ERP_TS, OWN_EVENT) }, rawBody: raw(OWN_EVENT) }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
  pinduoduo: {
    validConfig: { clientId: 'pdd-client-1', clientSecret: '${SECRET}', accessToken: '${TOKEN}' },
    signatureVectors: [
      {
        name: 'upper(MD5(secret + sorted k+v + secret))',
        compute: () => signPdd({ type: 'pdd.order.information.get', client_id: 'pdd-client-1', access_token: 'pdd-token', timestamp: '1714528800', data_type: 'JSON', order_sn: '240501-123456789012345' }, 'pdd-secret'),
        expected: '9C1D4B6B064BFADEEB17E37F21371C20',
      },
    ],
    mappingsDir: MAPPINGS,
  },
  'sf-express': {
    validConfig: { partnerId: 'ZS_TEST', checkword: '${SECRET}' },
    signatureVectors: [{ name: 'msgDigest (SF Python SDK)', compute: () => sfMsgDigest('{"dealType":2,"orderId":"QIAO-20200605-0031"}', '1596525925', 'ehpA2SxjBT0M0QY74VktZbPSx41xO9gt'), expected: 'LM3+aZHTdEQYCpScnDfbUg==' }],
    mappingsDir: MAPPINGS,
  },
  shopify: {
    validConfig: { shop: 'zhongshu-test.myshopify.com', webhookSecret: '${SECRET}' },
    env: { ...env, SECRET: 'secret' },
    signatureVectors: [{ name: 'base64 HMAC-SHA256 of the raw body', compute: () => signShopifyBody('{"id":1}', 'secret'), expected: 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=' }],
    webhookVectors: [
      { name: 'signed body', request: { headers: { 'x-shopify-hmac-sha256': 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=' }, rawBody: raw('{"id":1}') }, valid: true },
      { name: 'tampered body', request: { headers: { 'x-shopify-hmac-sha256': 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=' }, rawBody: raw('{"id":2}') }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
  taobao: {
    validConfig: { appKey: '12345678', appSecret: '${SECRET}', sessionKey: '${TOKEN}' },
    publicFields: [{ path: 'appKey', reason: 'sent in clear as app_key with every TOP request' }],
    signatureVectors: [
      { name: 'md5', compute: () => signTop({ ...TOP_PARAMS, sign_method: 'md5' }, 'helloworld', 'md5'), expected: '8FEA793423138241E4DCA253D55B8213' },
      { name: 'hmac', compute: () => signTop({ ...TOP_PARAMS, sign_method: 'hmac' }, 'helloworld', 'hmac'), expected: '4C9BC379F88387DDE522B1A6A36D7A88' },
      { name: 'hmac-sha256', compute: () => signTop({ ...TOP_PARAMS, sign_method: 'hmac-sha256' }, 'helloworld', 'hmac-sha256'), expected: 'EC5D1203AFFE03205B94C80791AB3EDBF7C68360868F87960DBEF9BF450E3D83' },
    ],
    mappingsDir: MAPPINGS,
  },
  wangdiantong: {
    validConfig: { edition: 'ultimate', baseUrl: 'https://wdt.example/openapi', sid: 'apidevnew2', appkey: 'test2-xx', appsecret: '${ULTIMATE}', shopNo: 'api_test' },
    publicFields: [{ path: 'appkey', reason: 'sent in clear as appkey/key with every Wangdiantong request' }],
    signatureVectors: [
      {
        name: 'enterprise, lengths in characters',
        compute: () => signEnterprise({ sid: 'test2', appkey: 'test2-xx', timestamp: '1470042310', shop_no: 'api_test', trade_list: '[{"tid":"T1","receiver_name":"张三"}]' }, '12345', 'chars'),
        expected: '6288a5a8fb75c4f317723fd61621674c',
      },
      {
        name: 'ultimate',
        compute: () => signUltimate({ sid: 'apidevnew2', key: 'test2-xx', salt: 'testsalt', method: 'sales.RawTrade.pushSelf', timestamp: '261705600', v: '1.0', body: '["test",[{"tid":"T1"}],[]]' }, 'testsecret'),
        expected: '39508cc4c1dd6f66fb4d4f0ebe7335c6',
      },
    ],
    mappingsDir: MAPPINGS,
  },
  'wechat-channels': {
    validConfig: { appId: 'wx1234567890abcdef', appSecret: '${SECRET}', pushToken: '${TOKEN}' },
    publicFields: [{ path: 'appId', reason: 'sent in clear with every token request and inside every encrypted push' }],
    env: { ...env, TOKEN: 'zs-push-token' },
    signatureVectors: [{ name: 'push signature sha1(sort(token, timestamp, nonce))', compute: () => wechatSignature(['zs-push-token', '1794326405', '1320562132']), expected: '2de43da935b9b0d790845c590d14a9dd1a0825b0' }],
    webhookVectors: [
      { name: 'signed push', request: { headers: {}, rawBody: raw(WECHAT_PUSH), query: WECHAT_QUERY }, valid: true },
      { name: 'another nonce', request: { headers: {}, rawBody: raw(WECHAT_PUSH), query: { ...WECHAT_QUERY, nonce: '1320562133' } }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
  // The WeCom robot key travels in the URL; nothing is signed: no vectors.
  wecom: { validConfig: { key: '${TOKEN}' } },
  youzan: {
    validConfig: { clientId: 'yz-client', clientSecret: '${SECRET}' },
    env: { ...env, SECRET: 'yz-secret' },
    signatureVectors: [{ name: 'MD5(client_id + encoded msg + secret)', compute: () => signYouzanPush('yz-client', YOUZAN_MSG, 'yz-secret'), expected: 'c622c6208a29e102f618fa9db847e223' }],
    webhookVectors: [
      { name: 'signed push', request: { headers: {}, rawBody: youzanPush('c622c6208a29e102f618fa9db847e223') }, valid: true },
      { name: 'wrong signature', request: { headers: {}, rawBody: youzanPush('c622c6208a29e102f618fa9db847e224') }, valid: false },
    ],
    mappingsDir: MAPPINGS,
  },
};

describe('every built-in adapter passes the partner contract kit', () => {
  it('has a contract case for each registered adapter and none for an unknown one', () => {
    expect(Object.keys(CASES).sort()).toEqual(BUILTIN_ADAPTERS.map((d) => d.manifest.id).sort());
  });

  it.each(BUILTIN_ADAPTERS.map((d) => [d.manifest.id, d] as const))('%s', async (id, def) => {
    const c = CASES[id];
    if (!c) throw new Error(`no contract case for ${id}`);
    expect(await checkAdapterContract(def, { env, ...c })).toEqual([]);
  });
});

describe('the kit itself', () => {
  const taobao = BUILTIN_ADAPTERS.find((d) => d.manifest.id === 'taobao');
  it('flags a secret-looking field unless it is declared public with a reason, and never un-marks a secret', async () => {
    if (!taobao) throw new Error('taobao not registered');
    const base = { env, validConfig: { appKey: '12345678', appSecret: '${SECRET}', sessionKey: '${TOKEN}' }, skipCreate: true };
    expect(await checkAdapterContract(taobao, base)).toEqual(['config.appKey: looks like a secret but the schema does not mark it secret()']);
    expect(await checkAdapterContract(taobao, { ...base, publicFields: [{ path: 'appKey', reason: ' ' }] })).toContain('publicFields.appKey: give the reason it is not a secret');
    expect(await checkAdapterContract(taobao, { ...base, publicFields: [{ path: 'appKey', reason: 'public' }, { path: 'appSecret', reason: 'x' }] })).toEqual(['publicFields.appSecret: the schema marks it secret()']);
  });
});

describe('the kit runs an adapter that ships a sandbox against it', () => {
  const jd = BUILTIN_ADAPTERS.find((d) => d.manifest.id === 'jd');
  if (!jd?.sandbox) throw new Error('jd ships a sandbox');
  const jdSandbox = jd.sandbox;
  const base: ContractOptions = { env, validConfig: { appKey: 'jd-app', appSecret: '${SECRET}', accessToken: '${TOKEN}' }, publicFields: [{ path: 'appKey', reason: 'public' }] };
  /** jd as a partner would register it, with one part changed. */
  const partner = (over: Partial<Parameters<typeof defineAdapter>[0]>): AdapterDefinition =>
    defineAdapter({ manifest: { ...jd.manifest, id: 'partner-jd' }, configSchema: jd.configSchema, create: jd.create, sandbox: async () => ({ ...(await jdSandbox()), adapter: 'partner-jd' }), ...over });

  it('passes with the sandbox, and the sandbox saw the calls', async () => {
    let seen = 0;
    const def = partner({
      sandbox: async () => {
        const sb = await jdSandbox();
        return { ...sb, adapter: 'partner-jd', start: async (o) => { const sys = await sb.start(o); const close = sys.close.bind(sys); return Object.assign(sys, { close: async () => { seen = sys.server.requestCount; await close(); } }); } };
      },
    });
    expect(await checkAdapterContract(def, base)).toEqual([]);
    // pull (2 pages at most), ship, stock, and one request per fault switch
    expect(seen).toBeGreaterThanOrEqual(6);
  });

  it('names a declared capability the sandbox never calls, and a sandbox of another adapter', async () => {
    const fewer = partner({ sandbox: async () => { const sb = await jdSandbox(); return { ...sb, adapter: 'partner-jd', contract: async (s) => (await sb.contract?.(s) ?? []).filter((c) => c.capability !== 'inventory.push') }; } });
    expect(await checkAdapterContract(fewer, base)).toEqual(["sandbox: capability inventory.push is declared but the sandbox's contract() never calls it"]);
    const other = partner({ sandbox: jdSandbox });
    expect(await checkAdapterContract(other, base)).toEqual(['sandbox: it is the sandbox of jd, not of partner-jd']);
  });

  it('flags an adapter that calls a 5xx final, or a bad signature retryable', async () => {
    const rethrowAs = (retryable: boolean) =>
      partner({
        create: async (config, deps) => {
          const inner = await jd.create(config, deps);
          return { ...inner, invoke: (c, i, x) => inner.invoke(c, i, x).catch((e: unknown) => { throw e instanceof AdapterError ? new AdapterError(e.adapter, e.code, e.message, retryable) : e; }) };
        },
      });
    expect(await checkAdapterContract(rethrowAs(false), base)).toEqual([
      'sandbox fault server_error: order.pull must fail with a retryable AdapterError, got rejected',
      'sandbox fault gateway_timeout: order.pull must fail with a retryable AdapterError, got rejected',
    ]);
    expect(await checkAdapterContract(rethrowAs(true), base)).toEqual(['sandbox fault bad_signature: order.pull must fail with a non-retryable AdapterError, got retryable']);
  });

  it('flags an adapter whose requests bypass the rate-limit hook', async () => {
    // As wangdiantong once did: the operations get only the signal, so no request spends a token.
    const signalOnly = partner({
      create: async (config, deps) => {
        const inner = await jd.create(config, deps);
        return { ...inner, invoke: (c, i, x) => inner.invoke(c, i, { signal: x.signal, idempotencyKey: x.idempotencyKey, logger: x.logger, heartbeat: x.heartbeat }) };
      },
    });
    const problems = await checkAdapterContract(signalOnly, base);
    const calls = ['order.pull (call 1)', 'shipment.confirm (call 2)', 'aftersales.pull (call 3)', 'inventory.push (call 4)'];
    expect(problems.filter((p) => p.includes('without spending a rate-limit token')).map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      ...calls.map((c) => `sandbox ${c}`),
      'sandbox fault server_error',
      'sandbox fault gateway_timeout',
      'sandbox fault bad_signature',
    ]);
    expect(problems[0]).toMatch(/^sandbox order\.pull \(call 1\): request 1 of \d+ \(POST \/[^)]*\) was sent without spending a rate-limit token first \(0 spent in the call\)/);
  });

  it('flags a request sent on the token of the request before it', async () => {
    // The WeChat shop's pull sends a token request, then the order list: one token for both leaves the list unpaid.
    const wechat = BUILTIN_ADAPTERS.find((d) => d.manifest.id === 'wechat-channels');
    const wechatCase = CASES['wechat-channels'];
    if (!wechat || !wechatCase) throw new Error('wechat-channels registered with a contract case');
    const oneTokenPerCall = defineAdapter({
      manifest: wechat.manifest,
      configSchema: wechat.configSchema,
      ...(wechat.sandbox ? { sandbox: wechat.sandbox } : {}),
      create: async (config, deps) => {
        const inner = await wechat.create(config, deps);
        return {
          ...inner,
          invoke: (c, i, x) => {
            let spent = false;
            const once = async (api: string) => {
              if (!spent) await x.rateLimit?.(api);
              spent = true;
            };
            return inner.invoke(c, i, { ...x, rateLimit: once });
          },
        };
      },
    });
    expect(await checkAdapterContract(wechat, { env, ...wechatCase })).toEqual([]);
    const problems = await checkAdapterContract(oneTokenPerCall, { env, ...wechatCase });
    expect(problems[0]).toMatch(/^sandbox order\.pull \(call 1\): request 2 of \d+ \([A-Z]+ \/[^)]+\) was sent without spending a rate-limit token first \(1 spent in the call\)/);
  });

  it("reports a wrong answer through the sandbox's own check, and skips the sandbox when asked", async () => {
    const noShip = partner({
      create: async (config, deps) => {
        const inner = await jd.create(config, deps);
        return { ...inner, invoke: (c, i, x) => (c === 'shipment.confirm' ? Promise.resolve({ confirmed: true }) : inner.invoke(c, i, x)) };
      },
    });
    expect(await checkAdapterContract(noShip, base)).toEqual(['sandbox shipment.confirm (call 2): the sandbox recorded no shipment']);
    expect(await checkAdapterContract(noShip, { ...base, sandbox: false })).toEqual([]);
  });
});
