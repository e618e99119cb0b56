import { loadConfig, fragments } from '../config';
import { FAKE_SMS_SECRET_KEY, type FakeSms, startFakeSms } from '../../test/support/fake-sms';
import { TencentSms, tencentSmsConfigFrom } from './tencent-sms';

let sms: FakeSms;
beforeEach(async () => {
  sms = await startFakeSms();
});
afterEach(() => sms.close());

const configFrom = (env: Record<string, string>) => tencentSmsConfigFrom(loadConfig(fragments.alarms, env))!;

it('sends an SMS the fake Tencent server accepts by its TC3-HMAC-SHA256 signature', async () => {
  const client = new TencentSms(configFrom(sms.env));
  await client.send('+8613800000001', ['pile-7', 'fault', 'E42']);
  expect(sms.sent).toEqual([{ phone: '+8613800000001', signName: 'EV Charging', templateId: sms.env.SMS_ALARM_TEMPLATE_ID, params: ['pile-7', 'fault', 'E42'] }]);
});

it('is refused with a signature failure when signed with the wrong secret key', async () => {
  const client = new TencentSms(configFrom({ ...sms.env, SMS_SECRET_KEY: `${FAKE_SMS_SECRET_KEY}-wrong` }));
  await expect(client.send('+8613800000001', ['pile-7'])).rejects.toThrow('AuthFailure.SignatureFailure');
  expect(sms.sent).toEqual([]);
  expect(sms.refused).toBe(1);
});

it('names every missing setting when SMS_PROVIDER=tencent is incomplete', () => {
  expect(() => configFrom({ SMS_PROVIDER: 'tencent', SMS_SECRET_ID: 'x' })).toThrow(/SMS_SECRET_KEY: is required[\s\S]*SMS_ALARM_TEMPLATE_ID: is required/);
});

it('gives no sender when SMS_PROVIDER is none', () => {
  expect(tencentSmsConfigFrom(loadConfig(fragments.alarms, {}))).toBeUndefined();
});
