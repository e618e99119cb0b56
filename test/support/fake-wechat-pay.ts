import { createCipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WeChatPayConfig } from '../../payments/wechat-pay/config';
import { nonce, signLines, verifyLines } from '../../payments/wechat-pay/signatures';
import { FAKE_APP_ID } from './fake-wechat';

const keyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

export interface FakeWeChatPay {
  /** What our provider is configured with: this fake's address, the merchant's keys, WeChat Pay's public key. */
  config: WeChatPayConfig;
  merchantPublicKeyPem: string;
  /** Orders placed and accepted (their Authorization signature verified), by out_trade_no. */
  orders: Map<string, { total: number; openid: string; prepayId: string }>;
  /** The notification WeChat Pay would send once the driver paid (or not) for this order. */
  notification(outTradeNo: string, change?: { tradeState?: string; total?: number; timestampMs?: number; forged?: boolean }): { headers: Record<string, string>; body: string };
  close(): Promise<void>;
}

/**
 * WeChat Pay's JSAPI prepay and payment notifications, locally: the prepay endpoint checks the merchant's request
 * signature, the merchant and app, and that an out_trade_no is never reused for another amount; answers and
 * notifications are signed with "WeChat Pay's" own key and resources sealed with the APIv3 key.
 */
export async function startFakeWeChatPay(): Promise<FakeWeChatPay> {
  const merchant = keyPair();
  const platform = keyPair();
  const forger = keyPair();
  const orders: FakeWeChatPay['orders'] = new Map();
  const config: Omit<WeChatPayConfig, 'apiBase'> = {
    appId: FAKE_APP_ID,
    mchId: '1900000109',
    serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKeyPem: merchant.privateKey,
    platformPublicKeyId: 'PUB_KEY_ID_0119000001092025',
    platformPublicKeyPem: platform.publicKey,
    apiV3Key: randomBytes(16).toString('hex'),
    notifyUrl: 'https://evcp.example.com/api/v1/payments/wechat-pay/notify',
  };
  const signed = (body: string, timestampMs = Date.now(), key = platform.privateKey) => {
    const timestamp = String(Math.floor(timestampMs / 1000));
    const nonceStr = nonce();
    return {
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonceStr,
      'wechatpay-serial': config.platformPublicKeyId,
      'wechatpay-signature': signLines(key, [timestamp, nonceStr, body]),
    };
  };
  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v3/pay/transactions/jsapi') return refuse(res, 404, 'NOT_FOUND', 'no such API');
      const auth = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(req.headers.authorization ?? '');
      const fields = Object.fromEntries([...(auth?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const authentic = fields.mchid === config.mchId && fields.serial_no === config.serialNo && verifyLines(merchant.publicKey, ['POST', req.url, fields.timestamp, fields.nonce_str, raw], fields.signature ?? '');
      if (!authentic) return refuse(res, 401, 'SIGN_ERROR', 'signature does not verify');
      const order = JSON.parse(raw);
      if (order.appid !== config.appId || order.mchid !== config.mchId) return refuse(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid and mchid do not match');
      if (!Number.isInteger(order.amount?.total) || order.amount.total <= 0 || order.amount.currency !== 'CNY') return refuse(res, 400, 'PARAM_ERROR', 'amount.total must be positive fen in CNY');
      if (!order.payer?.openid) return refuse(res, 400, 'PARAM_ERROR', 'payer.openid is required');
      const existing = orders.get(order.out_trade_no);
      if (existing && existing.total !== order.amount.total) return refuse(res, 400, 'INVALID_REQUEST', 'out_trade_no reused with other parameters');
      const prepayId = existing?.prepayId ?? `wx${randomBytes(14).toString('hex')}`;
      orders.set(order.out_trade_no, { total: order.amount.total, openid: order.payer.openid, prepayId });
      const body = JSON.stringify({ prepay_id: prepayId });
      res.writeHead(200, { 'content-type': 'application/json', ...signed(body) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    config: { ...config, apiBase: `http://127.0.0.1:${port}` },
    merchantPublicKeyPem: merchant.publicKey,
    orders,
    notification(outTradeNo, change = {}) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`no order ${outTradeNo} was placed`);
      const total = change.total ?? order.total;
      const transaction = JSON.stringify({
        appid: config.appId,
        mchid: config.mchId,
        out_trade_no: outTradeNo,
        transaction_id: `4200${randomBytes(12).toString('hex')}`.slice(0, 28),
        trade_type: 'JSAPI',
        trade_state: change.tradeState ?? 'SUCCESS',
        amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
        payer: { openid: order.openid },
        success_time: new Date().toISOString(),
      });
      const resourceNonce = randomBytes(6).toString('hex');
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(config.apiV3Key, 'utf8'), Buffer.from(resourceNonce, 'utf8'));
      cipher.setAAD(Buffer.from('transaction', 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(transaction, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
      const body = JSON.stringify({
        id: randomBytes(8).toString('hex'),
        create_time: new Date().toISOString(),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: resourceNonce },
      });
      return { headers: signed(body, change.timestampMs, change.forged ? forger.privateKey : platform.privateKey), body };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
