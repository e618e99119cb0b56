import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postPaymentsOf } from '../../domain/payscore';
import { FAKE_APP_ID, FAKE_APP_SECRET, type FakeWeChat, startFakeWeChat } from '../support/fake-wechat';
import { type FakeWeChatPay, startFakeWeChatPay } from '../support/fake-wechat-pay';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';
import { wxOverNetwork } from '../support/wx-over-network';

/**
 * A driver signed in with WeChat enables WeChat Pay Score for our service, then charges once with it (no balance
 * needed) and once from the wallet,
 * through the mini-program's own services against the running system, with WeChat and WeChat Pay played by fakes
 * that check what the real ones check.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const mp = (file: string) => require(`../../mini-program/${file}`);
const config = mp('config/index');
const { fetchPile } = mp('services/station/fetchPile');
const { createTopUp } = mp('services/wallet/createTopUp');
const { fetchWallet } = mp('services/wallet/fetchWallet');
const { requestSession } = mp('services/session/requestSession');
const { fetchPaymentModes } = mp('services/session/fetchPaymentModes');
const { enablePayscore } = mp('services/payscore/enablePayscore');
const { fetchPayscoreState } = mp('services/payscore/fetchPayscoreState');
const { fetchSession } = mp('services/session/fetchSession');
const { stopSession } = mp('services/session/stopSession');

describe('the mini-program charging in each payment mode', () => {
  let t: TestSystem;
  let wechat: FakeWeChat;
  let pay: FakeWeChatPay;
  let keysDir: string;
  let pileCode: string;
  let openId: string;
  /** The mini-programs the driver was sent to (wx.navigateToMiniProgram). */
  const openedMiniPrograms: { appId: string; path: string; extraData: { apply_permissions_token: string } }[] = [];

  beforeAll(async () => {
    wechat = await startFakeWeChat();
    pay = await startFakeWeChatPay();
    keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-pay-keys-'));
    const keyFile = (name: string, pem: string) => {
      const file = path.join(keysDir, name);
      fs.writeFileSync(file, pem, { mode: 0o600 });
      return file;
    };
    t = await startTestSystem('real services', {
      SIM_PILES: '2',
      SIM_TELEMETRY_INTERVAL_MS: '200',
      CHECKPOINT_INTERVAL_SECONDS: '1',
      PAYMENTS_PROVIDER: 'sandbox',
      WECHAT_API_BASE: wechat.apiBase,
      WECHAT_APP_ID: FAKE_APP_ID,
      WECHAT_APP_SECRET: FAKE_APP_SECRET,
      WECHAT_PAY_API_BASE: pay.config.apiBase,
      WECHAT_PAY_MCH_ID: pay.config.mchId,
      WECHAT_PAY_MCH_SERIAL_NO: pay.config.serialNo,
      WECHAT_PAY_MCH_PRIVATE_KEY_FILE: keyFile('merchant.pem', pay.config.privateKeyPem),
      WECHAT_PAY_PUBLIC_KEY_FILE: keyFile('wechatpay.pem', pay.config.platformPublicKeyPem),
      WECHAT_PAY_PUBLIC_KEY_ID: pay.config.platformPublicKeyId,
      WECHAT_PAY_API_V3_KEY: pay.config.apiV3Key,
      WECHAT_PAY_NOTIFY_URL: pay.config.notifyUrl,
      WECHAT_PAYSCORE_SERVICE_ID: pay.config.payscoreServiceId,
    });
    openId = `o-${randomUUID()}`;
    (global as { wx?: unknown }).wx = {
      ...wxOverNetwork(),
      login: ({ success }: { success: (res: { code: string }) => void }) => success({ code: wechat.issueCode(openId) }),
      navigateToMiniProgram: ({ success, ...options }: (typeof openedMiniPrograms)[number] & { success: (res: object) => void }) => {
        openedMiniPrograms.push(options);
        success({});
      },
    };
    config.apiBaseUrl = t.api;
    config.loginMode = 'wechat';
    // WeChat Pay sends its notifications to our notify route; a refused one fails the test.
    pay.deliver = async ({ headers, body }) => {
      const answer = await fetch(`${t.api}/api/v1/payments/wechat-pay/payscore-notify`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      if (answer.status !== 204) throw new Error(`the notification was refused: ${answer.status} ${await answer.text()}`);
    };
    pileCode = t.takePile('fast');
  }, 120_000);

  afterAll(async () => {
    delete (global as { wx?: unknown }).wx;
    await t?.stop();
    await pay?.close();
    await wechat?.close();
    fs.rmSync(keysDir, { recursive: true, force: true });
  });

  /** Starts on the pile once it is free, lets it charge, stops and answers the settled session. */
  async function chargeOnce(paymentMode: string) {
    await eventually(() => fetchPile(pileCode), (found: any) => found.pile.status === 'idle', 30_000);
    const started = await requestSession({ pileCode, limits: {}, paymentMode }, randomUUID());
    expect(started.paymentMode).toBe(paymentMode);
    await eventually(() => fetchSession(started.sessionId), (s: any) => s.status === 'CHARGING' && s.energyWh > 0, 20_000);
    await stopSession(started.sessionId);
    return eventually(() => fetchSession(started.sessionId), (s: any) => s.status === 'COMPLETED', 30_000);
  }

  it('offers WeChat Pay Score beside the wallet, to be enabled first', async () => {
    expect(await fetchPaymentModes()).toEqual({ paymentModes: ['wallet', 'payscore'], payscoreEnabled: false });
  });

  it('refuses pay-as-you-go before the driver enabled WeChat Pay Score, starting nothing', async () => {
    await eventually(() => fetchPile(pileCode), (found: any) => found.pile.status === 'idle', 30_000);
    await expect(requestSession({ pileCode, limits: {}, paymentMode: 'payscore' }, randomUUID())).rejects.toMatchObject({ code: 'PAYSCORE_NOT_ENABLED' });
    // No workflow started: the driver has no session at all, not even a declined one.
    expect(await mp('utils/api').get('/sessions')).toEqual({ sessions: [] });
    expect(pay.serviceOrders.size).toBe(0);
  });

  it('enables WeChat Pay Score in its mini-program, and learns so from WeChat Pay’s notification', async () => {
    expect(await enablePayscore()).toEqual({ opened: true });
    const [opened] = openedMiniPrograms;
    expect(opened).toMatchObject({ appId: 'wxd8f3793ea3b935b8', path: 'pages/use/enable' });
    await pay.openService(opened.extraData.apply_permissions_token, openId);
    expect(await fetchPayscoreState()).toBe('available');
    expect(pay.permissions.get(openId)!.queries).toBe(0);
    expect(await fetchPaymentModes()).toEqual({ paymentModes: ['wallet', 'payscore'], payscoreEnabled: true });
  });

  it('charges with WeChat Pay Score on an empty wallet, completes the order with the bill, and takes its paid notification', async () => {
    expect(await fetchWallet()).toMatchObject({ balanceFen: 0 });
    const done = await chargeOnce('payscore');
    const [order] = [...pay.serviceOrders.values()];
    expect(pay.serviceOrders.size).toBe(1);
    expect(order).toMatchObject({ riskFen: done.bill.heldFen, stateDescription: 'MCH_COMPLETE', totalFen: done.bill.capturedFen, postPayments: postPaymentsOf(done.bill) });
    await pay.collectServiceOrder([...pay.serviceOrders.keys()][0]);
    expect(await fetchWallet()).toEqual({ balanceFen: 0, heldFen: 0 });
  }, 90_000);

  it('charges from the wallet after a top-up, leaving the Payscore order alone', async () => {
    expect(await createTopUp(3000, randomUUID())).toMatchObject({ paid: true });
    const done = await chargeOnce('wallet');
    expect(await fetchWallet()).toEqual({ balanceFen: 3000 - done.bill.capturedFen, heldFen: 0 });
    expect(pay.serviceOrders.size).toBe(1);
  }, 90_000);
});
