import { createCipheriv, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WeChatPayConfig } from '../../payments/wechat-pay/config';
import { nonce, signLines, verifyLines } from '../../payments/wechat-pay/signatures';
import { FAKE_APP_ID } from './fake-wechat';

const newTransactionId = () => `4200${randomBytes(12).toString('hex')}`;

const keyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

export interface FakeWeChatPay {
  /** What our provider is configured with: this fake's address, the merchant's keys, WeChat Pay's public key. */
  config: WeChatPayConfig & { payscoreServiceId: string };
  merchantPublicKeyPem: string;
  /** Orders placed and accepted (their Authorization signature verified), by out_trade_no. */
  orders: Map<string, FakeOrder>;
  /** Refunds accepted, by out_refund_no. */
  refunds: Map<string, FakeRefund>;
  /** How the next refunds answer when submitted (PROCESSING by default, as WeChat Pay mostly does). */
  refundAnswer: 'PROCESSING' | 'SUCCESS';
  /** The refund ends at WeChat Pay (the bank took it, or gave up); its notification, if any, is a separate step. */
  endRefund(outRefundNo: string, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'): void;
  /** The notification WeChat Pay would send once the refund ended. */
  refundNotification(outRefundNo: string, change?: { refund?: number }): { headers: Record<string, string>; body: string };
  /** The clock of the fake's own times (payments' and refunds' success_time). */
  now: () => number;
  /** What the next trade bills get wrong on purpose: lines dropped (by reference), amounts changed, lines added. */
  billEdits: { drop: Set<string>; amountsFen: Map<string, number>; add: { kind: 'payment' | 'refund'; reference: string; amountFen: number; day: string }[] };
  /** Set: bill downloads come with a byte changed, as a broken transfer would deliver them. */
  corruptBillDownloads: boolean;
  /** Trade bill requests received, by bill_date. */
  billRequests: string[];
  /** Runs as a close request arrives, before it is answered (a test pays the order at that very moment). */
  beforeClose?: (outTradeNo: string) => void;
  /** The driver pays in WeChat's sheet: the order is paid whether or not its notification ever reaches us. */
  pay(outTradeNo: string): void;
  /** The notification WeChat Pay would send once the driver paid (or not) for this order. */
  notification(outTradeNo: string, change?: { tradeState?: string; total?: number; timestampMs?: number; forged?: boolean }): { headers: Record<string, string>; body: string };
  /** WeChat Pay Score service orders created (signature verified), by out_order_no. */
  serviceOrders: Map<string, FakeServiceOrder>;
  /** How the next creations answer: in service at once (DOING, the driver enabled Payscore), waiting for the driver (CREATED), or refused with a code. */
  payscoreAnswer: { state: 'DOING' | 'CREATED' } | { refuse: string };
  /** How many of the next Payscore requests of each kind fail with 500 SYSTEM_ERROR before one goes through. */
  payscoreFailures: { create: number; complete: number; cancel: number };
  /** How many of the next authorization queries fail with 500 SYSTEM_ERROR. */
  permissionQueryFailures: number;
  /** Drivers' authorizations of our Payscore service, by openid; an order without confirmation needs AVAILABLE. */
  permissions: Map<string, FakePermission>;
  /** Authorizations started (POST /v3/payscore/permissions, signature verified), by apply_permissions_token. */
  permissionApplications: Map<string, { authorizationCode: string; notifyUrl: string }>;
  /** The driver had enabled our service before (no notification): a test's starting point. */
  enableService(openid: string): void;
  /** The driver agrees in the Payscore mini-program opened with this token; WeChat Pay's USER_OPEN_SERVICE follows. */
  openService(applyPermissionsToken: string, openid: string): Promise<void>;
  /** The driver turns our service off in WeChat; WeChat Pay's USER_CLOSE_SERVICE follows. */
  closeService(openid: string): Promise<void>;
  /** The driver confirms a created order in WeChat (it goes into service); its notification follows. */
  confirmServiceOrder(outOrderNo: string): Promise<void>;
  /** WeChat Pay collects a completed order from the driver; its notification follows. */
  collectServiceOrder(outOrderNo: string): Promise<void>;
  /**
   * Where notifications the fake sends go (a test posts them to the API's notify route); unset: they are held.
   * WeChat Pay sends Payscore notifications by itself, signed, the resource sealed with the APIv3 key.
   */
  deliver?: (notification: { headers: Record<string, string>; body: string }) => Promise<void>;
  /**
   * What goes wrong with notifications, as it does with WeChat Pay's: held back until `flushNotifications()` (delay),
   * each sent twice (duplicate), held ones sent newest first (reorder), or lost on the way (fail).
   */
  notificationKnobs: { hold: boolean; duplicate: boolean; reverse: boolean; drop: boolean };
  /** Notifications held back (or with nowhere to go yet). */
  heldNotifications: { headers: Record<string, string>; body: string }[];
  /** Sends the held notifications (in reverse order when `reverse`). */
  flushNotifications(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeServiceOrder {
  riskFen: number;
  openid: string;
  orderId: string;
  notifyUrl: string;
  state: 'CREATED' | 'DOING' | 'DONE' | 'REVOKED';
  stateDescription?: 'USER_CONFIRM' | 'MCH_COMPLETE';
  totalFen?: number;
  postPayments?: { name: string; amount: number }[];
  transactionId?: string;
  paidTime?: string;
  /** Requests received for this order (signature verified), by kind. */
  requests: { create: number; complete: number; cancel: number; query: number };
}

export interface FakePermission {
  state: 'AVAILABLE' | 'UNAVAILABLE';
  /** The authorization_code of the application the driver agreed to (none when enabled some other way). */
  authorizationCode?: string;
  /** yyyyMMddHHmmss in China time, as WeChat Pay's notifications carry it. */
  openOrCloseTime: string;
  /** Authorization queries received (signature verified). */
  queries: number;
}

export interface FakeOrder {
  total: number;
  openid: string;
  prepayId: string;
  /** RFC 3339, as the prepay request gave it. */
  timeExpire?: string;
  /** When the order was paid (RFC 3339): the day the trade bill lists it under. */
  successTime?: string;
  tradeState: 'NOTPAY' | 'SUCCESS' | 'CLOSED';
  transactionId?: string;
  /** Order queries and close requests received (signature verified). */
  queries: number;
  closeRequests: number;
}

export interface FakeRefund {
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  refund: number;
  total: number;
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  /** Refund requests received for this out_refund_no (a repeat answers with the same refund). */
  requests: number;
  /** When the refund succeeded (RFC 3339). */
  successTime?: string;
}

/**
 * WeChat Pay's JSAPI prepay, order query, close, refunds and their notifications, locally: every request's merchant
 * signature is checked, the merchant and app, and that an out_trade_no is never reused for another amount; a paid
 * order cannot be closed (ORDERPAID) and a closed one cannot be paid; answers and notifications are signed with
 * "WeChat Pay's" own key and resources sealed with the APIv3 key. Payscore: authorizations (permissions) and service
 * orders, an order without the driver's confirmation only for a driver who enabled the service.
 */
export async function startFakeWeChatPay(): Promise<FakeWeChatPay> {
  const merchant = keyPair();
  const platform = keyPair();
  const forger = keyPair();
  const orders: FakeWeChatPay['orders'] = new Map();
  const config: Omit<WeChatPayConfig, 'apiBase'> & { payscoreServiceId: string } = {
    appId: FAKE_APP_ID,
    mchId: '1900000109',
    serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKeyPem: merchant.privateKey,
    platformPublicKeyId: 'PUB_KEY_ID_0119000001092025',
    platformPublicKeyPem: platform.publicKey,
    apiV3Key: randomBytes(16).toString('hex'),
    notifyUrl: 'https://evcp.example.com/api/v1/payments/wechat-pay/notify',
    payscoreServiceId: '50000000000000000000000000000001',
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

  const answer = (res: http.ServerResponse, status: number, payload?: unknown) => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', ...signed(body) }).end(body);
  };
  const transactionOf = (outTradeNo: string, order: FakeOrder, tradeState: string = order.tradeState, total = order.total) => ({
    appid: config.appId,
    mchid: config.mchId,
    out_trade_no: outTradeNo,
    ...(order.transactionId ? { transaction_id: order.transactionId } : {}),
    trade_type: 'JSAPI',
    trade_state: tradeState,
    amount: { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' },
    payer: { openid: order.openid },
    ...(tradeState === 'SUCCESS' ? { success_time: order.successTime ?? new Date(fake.now()).toISOString() } : {}),
  });

  const refunds: FakeWeChatPay['refunds'] = new Map();
  const bills = new Map<string, string>();
  /** The trade bill of a day in China time (+08:00), as WeChat Pay writes it; undefined when nothing happened that day. */
  const tradeBillOf = (day: string): string | undefined => {
    const onDay = (iso: string | undefined) => iso !== undefined && new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10) === day;
    const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const edits = fake.billEdits;
    const amount = (reference: string, fen: number) => yuan(edits.amountsFen.get(reference) ?? fen);
    const row = (fields: string[]) => fields.map((f) => `\`${f}`).join(',');
    const paymentRow = (outTradeNo: string, transactionId: string, fen: string, product = '钱包充值') =>
      row(['', config.appId, config.mchId, '0', '', transactionId, outTradeNo, 'oUser', 'JSAPI', 'SUCCESS', 'OTHERS', 'CNY', fen, '0.00', '0', '0', '0.00', '0.00', '', '', product, '', '0.00000', '0.60%', fen, '0.00', '']);
    const refundRow = (outTradeNo: string, outRefundNo: string, fen: string) =>
      row(['', config.appId, config.mchId, '0', '', '', outTradeNo, 'oUser', 'JSAPI', 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', '', outRefundNo, fen, '0.00', 'ORIGINAL', 'SUCCESS', '钱包充值', '', '0.00000', '0.60%', '0.00', fen, '']);
    const rows: string[] = [];
    for (const [no, o] of orders) if (o.tradeState === 'SUCCESS' && onDay(o.successTime) && !edits.drop.has(no)) rows.push(paymentRow(no, o.transactionId ?? '', amount(no, o.total)));
    // A Payscore order WeChat Pay collected is a payment under its out_order_no; its refunds are refund lines like any.
    for (const [no, o] of serviceOrders) if (o.state === 'DONE' && onDay(o.paidTime) && !edits.drop.has(no)) rows.push(paymentRow(no, o.transactionId ?? '', amount(no, o.totalFen ?? 0), '充电服务'));
    for (const [no, r] of refunds) if (r.status === 'SUCCESS' && onDay(r.successTime) && !edits.drop.has(no)) rows.push(refundRow(r.outTradeNo, no, amount(no, r.refund)));
    for (const extra of edits.add.filter((a) => a.day === day)) rows.push(extra.kind === 'payment' ? paymentRow(extra.reference, '4200extra', yuan(extra.amountFen)) : refundRow('tu-extra', extra.reference, yuan(extra.amountFen)));
    if (rows.length === 0) return undefined;
    const header = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    return [header, ...rows, '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额', row([String(rows.length), '0.00', '0.00', '0.00', '0.00', '0.00', '0.00'])].join('\r\n');
  };
  const refundOf = (outRefundNo: string, r: FakeRefund) => ({
    refund_id: r.refundId,
    out_refund_no: outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    status: r.status,
    ...(r.successTime ? { success_time: r.successTime } : {}),
    amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund, currency: 'CNY' },
  });
  const sealed = (plain: string, associatedData: string) => {
    const resourceNonce = randomBytes(6).toString('hex');
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(config.apiV3Key, 'utf8'), Buffer.from(resourceNonce, 'utf8'));
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    return { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associatedData, nonce: resourceNonce };
  };

  const serviceOrders: FakeWeChatPay['serviceOrders'] = new Map();
  const serviceOrderOf = (outOrderNo: string, o: FakeServiceOrder) => ({
    appid: config.appId,
    mchid: config.mchId,
    service_id: config.payscoreServiceId,
    out_order_no: outOrderNo,
    service_introduction: '充电服务',
    state: o.state,
    ...(o.stateDescription ? { state_description: o.stateDescription } : {}),
    ...(o.totalFen !== undefined ? { total_amount: o.totalFen } : {}),
    risk_fund: { name: 'ESTIMATE_ORDER_COST', amount: o.riskFen },
    ...(o.postPayments ? { post_payments: o.postPayments } : {}),
    order_id: o.orderId,
    notify_url: o.notifyUrl,
    openid: o.openid,
    ...(o.state === 'DONE'
      ? { collection: { state: 'USER_PAID', total_amount: o.totalFen, paying_amount: 0, paid_amount: o.totalFen, details: [{ seq: 1, amount: o.totalFen, paid_type: 'NEWTON', paid_time: o.paidTime, transaction_id: o.transactionId }] } }
      : {}),
  });
  const failing = (kind: keyof FakeWeChatPay['payscoreFailures']) => {
    if (fake.payscoreFailures[kind] <= 0) return false;
    fake.payscoreFailures[kind] -= 1;
    return true;
  };
  const servePayscore = (method: string, url: string, raw: string, res: http.ServerResponse) => {
    const asked = raw ? JSON.parse(raw) : {};
    const query = /^\/v3\/payscore\/serviceorder\?(.+)$/.exec(url);
    if (method === 'GET' && query) {
      const params = new URLSearchParams(query[1]);
      if (params.get('service_id') !== config.payscoreServiceId || params.get('appid') !== config.appId) return refuse(res, 400, 'PARAM_ERROR', 'service_id and appid are required');
      const order = serviceOrders.get(params.get('out_order_no') ?? '');
      if (!order) return refuse(res, 404, 'ORDER_NOT_EXIST', 'no such order');
      order.requests.query += 1;
      return answer(res, 200, serviceOrderOf(params.get('out_order_no')!, order));
    }
    if (method !== 'POST') return refuse(res, 404, 'NOT_FOUND', 'no such API');
    if (asked.appid !== config.appId || asked.service_id !== config.payscoreServiceId) return refuse(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid and service_id do not match');
    if (url === '/v3/payscore/serviceorder') {
      if (!/^[0-9A-Za-z_|-]{1,32}$/.test(asked.out_order_no ?? '')) return refuse(res, 400, 'PARAM_ERROR', 'out_order_no is malformed');
      const risk = asked.risk_fund;
      if (!['DEPOSIT', 'ADVANCE', 'CASH_DEPOSIT', 'ESTIMATE_ORDER_COST'].includes(risk?.name) || !Number.isInteger(risk?.amount) || risk.amount <= 0) return refuse(res, 400, 'PARAM_ERROR', 'risk_fund is malformed');
      if (!asked.openid || !asked.notify_url || asked.time_range?.start_time === undefined) return refuse(res, 400, 'PARAM_ERROR', 'openid, notify_url and time_range.start_time are required');
      if (failing('create')) return refuse(res, 500, 'SYSTEM_ERROR', 'try again');
      const existing = serviceOrders.get(asked.out_order_no);
      if (existing) {
        existing.requests.create += 1;
        if (existing.riskFen !== risk.amount || existing.openid !== asked.openid) return refuse(res, 400, 'INVALID_REQUEST', 'out_order_no reused with other parameters');
        return answer(res, 200, serviceOrderOf(asked.out_order_no, existing));
      }
      if (asked.need_user_confirm === false && permissions.get(asked.openid)?.state !== 'AVAILABLE') return refuse(res, 400, 'INVALID_REQUEST', '用户未开启该服务，不能创建免确认订单');
      if ('refuse' in fake.payscoreAnswer) return refuse(res, 403, fake.payscoreAnswer.refuse, 'WeChat Pay Score refused the order');
      const created: FakeServiceOrder = {
        riskFen: risk.amount,
        openid: asked.openid,
        orderId: `1000${randomBytes(12).toString('hex')}`,
        notifyUrl: asked.notify_url,
        state: asked.need_user_confirm === false && fake.payscoreAnswer.state === 'DOING' ? 'DOING' : 'CREATED',
        requests: { create: 1, complete: 0, cancel: 0, query: 0 },
      };
      if (created.state === 'DOING') created.stateDescription = 'USER_CONFIRM';
      serviceOrders.set(asked.out_order_no, created);
      return answer(res, 200, { ...serviceOrderOf(asked.out_order_no, created), ...(created.state === 'CREATED' ? { package: `DJIOSQPYWDxsjdldeskdfdsk${created.orderId}` } : {}) });
    }
    const action = /^\/v3\/payscore\/serviceorder\/([0-9A-Za-z_|-]{1,32})\/(complete|cancel)$/.exec(url);
    if (!action) return refuse(res, 404, 'NOT_FOUND', 'no such API');
    const [, outOrderNo, verb] = action;
    const order = serviceOrders.get(outOrderNo);
    if (!order) return refuse(res, 404, 'ORDER_NOT_EXIST', 'no such order');
    if (verb === 'cancel') {
      order.requests.cancel += 1;
      if (typeof asked.reason !== 'string' || asked.reason.length === 0 || asked.reason.length > 50) return refuse(res, 400, 'PARAM_ERROR', 'reason is required');
      if (failing('cancel')) return refuse(res, 500, 'SYSTEM_ERROR', 'try again');
      if (order.state === 'REVOKED') return refuse(res, 400, 'ORDER_CANCELED', 'the order is cancelled already');
      if (order.state === 'DONE' || order.stateDescription === 'MCH_COMPLETE') return refuse(res, 400, 'ORDER_DONE', 'a completed order cannot be cancelled');
      order.state = 'REVOKED';
      order.stateDescription = undefined;
      return answer(res, 200, { appid: config.appId, mchid: config.mchId, service_id: config.payscoreServiceId, out_order_no: outOrderNo, order_id: order.orderId });
    }
    order.requests.complete += 1;
    const payments: { name: string; amount: number }[] = Array.isArray(asked.post_payments) ? asked.post_payments : [];
    if (!Number.isInteger(asked.total_amount) || asked.total_amount < 0) return refuse(res, 400, 'PARAM_ERROR', 'total_amount must be whole fen');
    if (asked.total_amount > order.riskFen) return refuse(res, 400, 'PARAM_ERROR', 'total_amount exceeds the risk amount');
    if (payments.reduce((sum, p) => sum + p.amount, 0) !== asked.total_amount || payments.some((p) => !Number.isInteger(p.amount) || p.amount <= 0 || !p.name)) {
      return refuse(res, 400, 'PARAM_ERROR', 'post_payments must add up to total_amount');
    }
    if (failing('complete')) return refuse(res, 500, 'SYSTEM_ERROR', 'try again');
    if (order.stateDescription === 'MCH_COMPLETE' || order.state === 'DONE') {
      if (order.totalFen !== asked.total_amount) return refuse(res, 400, 'INVALID_REQUEST', 'the order was completed with another amount');
      return answer(res, 200, serviceOrderOf(outOrderNo, order));
    }
    if (order.state !== 'DOING') return refuse(res, 400, 'INVALID_ORDER_STATE', `the order is ${order.state}`);
    order.stateDescription = 'MCH_COMPLETE';
    order.totalFen = asked.total_amount;
    order.postPayments = payments;
    return answer(res, 200, serviceOrderOf(outOrderNo, order));
  };
  const permissions: FakeWeChatPay['permissions'] = new Map();
  const permissionApplications: FakeWeChatPay['permissionApplications'] = new Map();
  /** yyyyMMddHHmmss in China time (+08:00). */
  const chinaTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const servePermissions = (method: string, url: string, raw: string, res: http.ServerResponse) => {
    const query = /^\/v3\/payscore\/permissions\/openid\/([^/?]{1,128})\?(.+)$/.exec(url);
    if (method === 'GET' && query) {
      const params = new URLSearchParams(query[2]);
      if (params.get('service_id') !== config.payscoreServiceId || params.get('appid') !== config.appId) return refuse(res, 400, 'PARAM_ERROR', 'service_id and appid are required');
      if (fake.permissionQueryFailures > 0) {
        fake.permissionQueryFailures -= 1;
        return refuse(res, 500, 'SYSTEM_ERROR', 'try again');
      }
      const openid = decodeURIComponent(query[1]);
      const known = permissions.get(openid);
      if (known) known.queries += 1;
      return answer(res, 200, {
        appid: config.appId,
        mchid: config.mchId,
        service_id: config.payscoreServiceId,
        openid,
        authorization_state: known?.state ?? 'UNAVAILABLE',
        ...(known?.authorizationCode ? { authorization_code: known.authorizationCode } : {}),
      });
    }
    if (method !== 'POST' || url !== '/v3/payscore/permissions') return refuse(res, 404, 'NOT_FOUND', 'no such API');
    const asked = raw ? JSON.parse(raw) : {};
    if (asked.appid !== config.appId || asked.service_id !== config.payscoreServiceId) return refuse(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid and service_id do not match');
    if (!/^[0-9A-Za-z_*-]{1,32}$/.test(asked.authorization_code ?? '')) return refuse(res, 400, 'PARAM_ERROR', 'authorization_code is malformed');
    if (typeof asked.notify_url !== 'string' || !asked.notify_url.startsWith('https://')) return refuse(res, 400, 'PARAM_ERROR', 'notify_url must be https');
    const token = `AUTH${randomBytes(16).toString('hex')}`;
    permissionApplications.set(token, { authorizationCode: asked.authorization_code, notifyUrl: asked.notify_url });
    return answer(res, 200, { apply_permissions_token: token });
  };
  const permissionNotification = (openid: string, eventType: string) => {
    const known = permissions.get(openid)!;
    const resource = {
      appid: config.appId,
      mchid: config.mchId,
      service_id: config.payscoreServiceId,
      openid,
      user_service_status: eventType.replace('PAYSCORE.', ''),
      openorclose_time: known.openOrCloseTime,
      ...(known.authorizationCode ? { authorization_code: known.authorizationCode } : {}),
    };
    const body = JSON.stringify({
      id: randomBytes(8).toString('hex'),
      create_time: new Date(fake.now()).toISOString(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '微信支付分服务授权状态变化',
      resource: { original_type: 'payscore', ...sealed(JSON.stringify(resource), 'payscore') },
    });
    return { headers: signed(body), body };
  };
  const payscoreNotification = (outOrderNo: string, eventType: string) => {
    const body = JSON.stringify({
      id: randomBytes(8).toString('hex'),
      create_time: new Date(fake.now()).toISOString(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '微信支付分服务订单状态变化',
      resource: { original_type: 'payscore', ...sealed(JSON.stringify(serviceOrderOf(outOrderNo, serviceOrders.get(outOrderNo)!)), 'payscore') },
    });
    return { headers: signed(body), body };
  };
  const send = async (notification: { headers: Record<string, string>; body: string }) => {
    const knobs = fake.notificationKnobs;
    if (knobs.drop) return;
    if (knobs.hold || !fake.deliver) {
      fake.heldNotifications.push(notification);
      return;
    }
    for (let copy = knobs.duplicate ? 2 : 1; copy > 0; copy--) await fake.deliver(notification);
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      const auth = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(req.headers.authorization ?? '');
      const fields = Object.fromEntries([...(auth?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const authentic = fields.mchid === config.mchId && fields.serial_no === config.serialNo && verifyLines(merchant.publicKey, [req.method ?? '', url, fields.timestamp, fields.nonce_str, raw], fields.signature ?? '');
      if (!authentic) return refuse(res, 401, 'SIGN_ERROR', 'signature does not verify');

      const query = /^\/v3\/pay\/transactions\/out-trade-no\/([A-Za-z0-9_*|-]{6,32})\?mchid=(\d+)$/.exec(url);
      if (req.method === 'GET' && query) {
        const order = orders.get(query[1]);
        if (query[2] !== config.mchId) return refuse(res, 400, 'MCH_NOT_EXISTS', 'mchid does not match');
        if (!order) return refuse(res, 404, 'ORDER_NOT_EXIST', 'no such order');
        order.queries += 1;
        return answer(res, 200, transactionOf(query[1], order));
      }
      const close = /^\/v3\/pay\/transactions\/out-trade-no\/([A-Za-z0-9_*|-]{6,32})\/close$/.exec(url);
      if (req.method === 'POST' && close) {
        const order = orders.get(close[1]);
        if (JSON.parse(raw || '{}').mchid !== config.mchId) return refuse(res, 400, 'PARAM_ERROR', 'mchid is required');
        if (!order) return refuse(res, 404, 'ORDER_NOT_EXIST', 'no such order');
        order.closeRequests += 1;
        fake.beforeClose?.(close[1]);
        if (order.tradeState === 'SUCCESS') return refuse(res, 400, 'ORDERPAID', 'the order is paid');
        order.tradeState = 'CLOSED';
        return res.writeHead(204, signed('')).end();
      }
      const billRequest = /^\/v3\/bill\/tradebill\?bill_date=(\d{4}-\d{2}-\d{2})&bill_type=ALL$/.exec(url);
      if (req.method === 'GET' && billRequest) {
        fake.billRequests.push(billRequest[1]);
        const bill = tradeBillOf(billRequest[1]);
        if (!bill) return refuse(res, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
        const token = randomBytes(8).toString('hex');
        bills.set(token, bill);
        return answer(res, 200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(bill).digest('hex'), download_url: `${fake.config.apiBase}/v3/billdownload/file?token=${token}` });
      }
      const download = /^\/v3\/billdownload\/file\?token=([0-9a-f]+)$/.exec(url);
      if (req.method === 'GET' && download) {
        const bill = bills.get(download[1]);
        if (!bill) return refuse(res, 404, 'RESOURCE_NOT_EXISTS', 'no such bill');
        return res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(fake.corruptBillDownloads ? bill.replace('SUCCESS', 'SUCCESs') : bill);
      }
      if (req.method === 'POST' && url === '/v3/refund/domestic/refunds') {
        const asked = JSON.parse(raw || '{}');
        const existing = refunds.get(asked.out_refund_no);
        if (existing) {
          if (existing.refund !== asked.amount?.refund) return refuse(res, 400, 'INVALID_REQUEST', 'out_refund_no reused with another amount');
          existing.requests += 1;
          return answer(res, 200, refundOf(asked.out_refund_no, existing));
        }
        const collected = [...serviceOrders.entries()].find(([, o]) => o.transactionId === asked.transaction_id && o.state === 'DONE');
        const paid: [string, { total: number }] | undefined =
          [...orders.entries()].find(([, o]) => o.transactionId === asked.transaction_id && o.tradeState === 'SUCCESS') ?? (collected && [collected[0], { total: collected[1].totalFen! }]);
        if (!paid) return refuse(res, 404, 'RESOURCE_NOT_EXISTS', 'no paid order with this transaction_id');
        const [outTradeNo, order] = paid;
        if (!/^[0-9A-Za-z_|*@-]{1,64}$/.test(asked.out_refund_no ?? '')) return refuse(res, 400, 'PARAM_ERROR', 'out_refund_no is malformed');
        if (asked.amount?.total !== order.total || asked.amount?.currency !== 'CNY') return refuse(res, 400, 'PARAM_ERROR', 'amount.total must be the order total in CNY');
        const refundedAlready = [...refunds.values()].filter((r) => r.transactionId === asked.transaction_id && r.status !== 'CLOSED').reduce((sum, r) => sum + r.refund, 0);
        if (!Number.isInteger(asked.amount?.refund) || asked.amount.refund <= 0 || refundedAlready + asked.amount.refund > order.total) return refuse(res, 400, 'NOT_ENOUGH', 'refund exceeds what is left of the order');
        const created: FakeRefund = { refundId: `50${randomBytes(14).toString('hex')}`, outTradeNo, transactionId: asked.transaction_id, refund: asked.amount.refund, total: order.total, status: fake.refundAnswer, requests: 1 };
        if (created.status === 'SUCCESS') created.successTime = new Date(fake.now()).toISOString();
        refunds.set(asked.out_refund_no, created);
        return answer(res, 200, refundOf(asked.out_refund_no, created));
      }
      const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([0-9A-Za-z_|*@-]{1,64})$/.exec(url);
      if (req.method === 'GET' && refundQuery) {
        const refund = refunds.get(refundQuery[1]);
        if (!refund) return refuse(res, 404, 'RESOURCE_NOT_EXISTS', 'no such refund');
        return answer(res, 200, refundOf(refundQuery[1], refund));
      }
      if (url.startsWith('/v3/payscore/serviceorder')) return servePayscore(req.method ?? '', url, raw, res);
      if (url.startsWith('/v3/payscore/permissions')) return servePermissions(req.method ?? '', url, raw, res);
      if (req.method !== 'POST' || url !== '/v3/pay/transactions/jsapi') return refuse(res, 404, 'NOT_FOUND', 'no such API');
      const order = JSON.parse(raw);
      if (order.appid !== config.appId || order.mchid !== config.mchId) return refuse(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid and mchid do not match');
      if (!Number.isInteger(order.amount?.total) || order.amount.total <= 0 || order.amount.currency !== 'CNY') return refuse(res, 400, 'PARAM_ERROR', 'amount.total must be positive fen in CNY');
      if (!order.payer?.openid) return refuse(res, 400, 'PARAM_ERROR', 'payer.openid is required');
      if (order.time_expire !== undefined && Number.isNaN(Date.parse(order.time_expire))) return refuse(res, 400, 'PARAM_ERROR', 'time_expire must be RFC 3339');
      const existing = orders.get(order.out_trade_no);
      if (existing && existing.total !== order.amount.total) return refuse(res, 400, 'INVALID_REQUEST', 'out_trade_no reused with other parameters');
      if (existing?.tradeState === 'CLOSED') return refuse(res, 400, 'ORDERCLOSED', 'the order is closed');
      const placed: FakeOrder = existing ?? { total: order.amount.total, openid: order.payer.openid, prepayId: `wx${randomBytes(14).toString('hex')}`, timeExpire: order.time_expire, tradeState: 'NOTPAY', queries: 0, closeRequests: 0 };
      orders.set(order.out_trade_no, placed);
      answer(res, 200, { prepay_id: placed.prepayId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeWeChatPay = {
    config: { ...config, apiBase: `http://127.0.0.1:${port}` },
    merchantPublicKeyPem: merchant.publicKey,
    orders,
    refunds,
    refundAnswer: 'PROCESSING',
    now: Date.now,
    billEdits: { drop: new Set(), amountsFen: new Map(), add: [] },
    billRequests: [],
    corruptBillDownloads: false,
    endRefund(outRefundNo, status) {
      const refund = refunds.get(outRefundNo);
      if (!refund) throw new Error(`no refund ${outRefundNo}`);
      refund.status = status;
      if (status === 'SUCCESS') refund.successTime ??= new Date(fake.now()).toISOString();
    },
    refundNotification(outRefundNo, change = {}) {
      const refund = refunds.get(outRefundNo);
      if (!refund) throw new Error(`no refund ${outRefundNo}`);
      const resource = JSON.stringify({
        mchid: config.mchId,
        out_trade_no: refund.outTradeNo,
        transaction_id: refund.transactionId,
        out_refund_no: outRefundNo,
        refund_id: refund.refundId,
        refund_status: refund.status,
        ...(refund.successTime ? { success_time: refund.successTime } : {}),
        user_received_account: '支付用户零钱',
        amount: { total: refund.total, refund: change.refund ?? refund.refund, payer_total: refund.total, payer_refund: change.refund ?? refund.refund },
      });
      const body = JSON.stringify({
        id: randomBytes(8).toString('hex'),
        create_time: new Date().toISOString(),
        resource_type: 'encrypt-resource',
        event_type: `REFUND.${refund.status}`,
        summary: '退款状态变化',
        resource: { original_type: 'refund', ...sealed(resource, 'refund') },
      });
      return { headers: signed(body), body };
    },
    pay(outTradeNo) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`no order ${outTradeNo} was placed`);
      if (order.tradeState === 'CLOSED') throw new Error(`order ${outTradeNo} is closed and cannot be paid`);
      order.tradeState = 'SUCCESS';
      order.transactionId ??= newTransactionId();
      order.successTime ??= new Date(fake.now()).toISOString();
    },
    notification(outTradeNo, change = {}) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`no order ${outTradeNo} was placed`);
      const tradeState = change.tradeState ?? 'SUCCESS';
      if (tradeState === 'SUCCESS') {
        order.transactionId ??= newTransactionId();
        order.successTime ??= new Date(fake.now()).toISOString();
      }
      const transaction = JSON.stringify(transactionOf(outTradeNo, order, tradeState, change.total ?? order.total));
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
    serviceOrders,
    payscoreAnswer: { state: 'DOING' },
    payscoreFailures: { create: 0, complete: 0, cancel: 0 },
    permissionQueryFailures: 0,
    permissions,
    permissionApplications,
    enableService(openid) {
      permissions.set(openid, { state: 'AVAILABLE', openOrCloseTime: chinaTime(fake.now()), queries: 0 });
    },
    async openService(applyPermissionsToken, openid) {
      const application = permissionApplications.get(applyPermissionsToken);
      if (!application) throw new Error(`no authorization was started with token ${applyPermissionsToken}`);
      permissions.set(openid, { state: 'AVAILABLE', authorizationCode: application.authorizationCode, openOrCloseTime: chinaTime(fake.now()), queries: permissions.get(openid)?.queries ?? 0 });
      await send(permissionNotification(openid, 'PAYSCORE.USER_OPEN_SERVICE'));
    },
    async closeService(openid) {
      const known = permissions.get(openid);
      if (known?.state !== 'AVAILABLE') throw new Error(`${openid} has not enabled the service`);
      Object.assign(known, { state: 'UNAVAILABLE', openOrCloseTime: chinaTime(fake.now()) });
      await send(permissionNotification(openid, 'PAYSCORE.USER_CLOSE_SERVICE'));
    },
    async confirmServiceOrder(outOrderNo) {
      const order = serviceOrders.get(outOrderNo);
      if (order?.state !== 'CREATED') throw new Error(`order ${outOrderNo} is not waiting for the driver`);
      order.state = 'DOING';
      order.stateDescription = 'USER_CONFIRM';
      await send(payscoreNotification(outOrderNo, 'PAYSCORE.USER_CONFIRM'));
    },
    async collectServiceOrder(outOrderNo) {
      const order = serviceOrders.get(outOrderNo);
      if (order?.stateDescription !== 'MCH_COMPLETE') throw new Error(`order ${outOrderNo} is not completed`);
      order.state = 'DONE';
      order.stateDescription = undefined;
      order.transactionId = newTransactionId();
      order.paidTime = new Date(fake.now()).toISOString();
      await send(payscoreNotification(outOrderNo, 'PAYSCORE.USER_PAID'));
    },
    notificationKnobs: { hold: false, duplicate: false, reverse: false, drop: false },
    heldNotifications: [],
    async flushNotifications() {
      const held = fake.heldNotifications.splice(0);
      if (fake.notificationKnobs.reverse) held.reverse();
      const knobs = { ...fake.notificationKnobs };
      fake.notificationKnobs.hold = false;
      try {
        for (const notification of held) await send(notification);
      } finally {
        fake.notificationKnobs.hold = knobs.hold;
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
