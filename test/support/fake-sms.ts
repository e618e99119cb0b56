import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TC3_ALGORITHM, tc3Date, tc3Signature } from '../../infra/sms/tc3-signature';

export const FAKE_SMS_SECRET_ID = 'AKIDfakeSmsSecretId0000000000000000';
export const FAKE_SMS_SECRET_KEY = 'fakeSmsSecretKey000000000000000000';
export const FAKE_SMS_SDK_APP_ID = '1400000001';
export const FAKE_SMS_TEMPLATE_ID = '2000001';

export interface SentSms {
  phone: string;
  signName: string;
  templateId: string;
  params: string[];
}

export interface FakeSms {
  endpoint: string;
  /** Messages accepted, in order. */
  sent: SentSms[];
  /** Requests refused for a bad signature (AuthFailure.SignatureFailure). */
  refused: number;
  /** The environment that points the platform at this server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A local Tencent Cloud SMS API 3.0 (SendSms): verifies the TC3-HMAC-SHA256 signature of each request against its
 * own secret key and answers as Tencent does: AuthFailure.SignatureFailure for a wrong one, else one status per number.
 */
export async function startFakeSms(options: { secretKey?: string } = {}): Promise<FakeSms> {
  const secretKey = options.secretKey ?? FAKE_SMS_SECRET_KEY;
  const state = { sent: [] as SentSms[], refused: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const payload = Buffer.concat(chunks).toString('utf8');
      const requestId = randomUUID();
      const reply = (response: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Response: { ...response, RequestId: requestId } }));
      const error = (code: string, message: string) => reply({ Error: { Code: code, Message: message } });
      const auth = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
      const timestamp = Number(req.headers['x-tc-timestamp']);
      const action = String(req.headers['x-tc-action'] ?? '');
      if (!auth || !Number.isInteger(timestamp) || auth[2] !== tc3Date(timestamp)) return error('AuthFailure.InvalidAuthorization', `expected ${TC3_ALGORITHM} authorization`);
      if (auth[1] !== FAKE_SMS_SECRET_ID) return error('AuthFailure.SecretIdNotFound', 'unknown SecretId');
      const expected = tc3Signature({ secretId: auth[1], secretKey, service: 'sms', host: String(req.headers.host), action, payload, timestamp, contentType: String(req.headers['content-type']) });
      if (expected !== auth[3]) {
        state.refused += 1;
        return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
      }
      if (action !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') return error('InvalidAction', 'unsupported action or version');
      const body = JSON.parse(payload) as { PhoneNumberSet: string[]; SmsSdkAppId: string; SignName: string; TemplateId: string; TemplateParamSet?: string[] };
      if (body.SmsSdkAppId !== FAKE_SMS_SDK_APP_ID) return error('FailedOperation.SmsSdkAppIdVerifyFail', 'wrong SmsSdkAppId');
      for (const phone of body.PhoneNumberSet) state.sent.push({ phone, signName: body.SignName, templateId: body.TemplateId, params: body.TemplateParamSet ?? [] });
      reply({ SendStatusSet: body.PhoneNumberSet.map((phone) => ({ SerialNo: randomUUID(), PhoneNumber: phone, Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' })) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    get sent() {
      return state.sent;
    },
    get refused() {
      return state.refused;
    },
    env: {
      SMS_PROVIDER: 'tencent',
      SMS_ENDPOINT: endpoint,
      SMS_SECRET_ID: FAKE_SMS_SECRET_ID,
      SMS_SECRET_KEY: FAKE_SMS_SECRET_KEY,
      SMS_SDK_APP_ID: FAKE_SMS_SDK_APP_ID,
      SMS_SIGN_NAME: 'EV Charging',
      SMS_ALARM_TEMPLATE_ID: FAKE_SMS_TEMPLATE_ID,
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
