import { z } from 'zod';
import { type AlarmsEnv, ConfigError } from '../config';
import { TC3_CONTENT_TYPE, tc3Authorization } from './tc3-signature';

/** Sends one templated SMS; resolves when the provider accepted it, rejects with the provider's reason otherwise. */
export interface SmsSender {
  send(phone: string, templateParams: string[]): Promise<{ serialNo: string }>;
}

export interface TencentSmsConfig {
  endpoint: string;
  region: string;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
}

const REQUIRED = ['SMS_SECRET_ID', 'SMS_SECRET_KEY', 'SMS_SDK_APP_ID', 'SMS_SIGN_NAME', 'SMS_ALARM_TEMPLATE_ID'] as const;

/** SMS_PROVIDER=tencent needs every SMS_* setting (named when missing); `none` gives no sender. */
export function tencentSmsConfigFrom(env: AlarmsEnv): TencentSmsConfig | undefined {
  if (env.SMS_PROVIDER === 'none') return undefined;
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length) throw new ConfigError(missing.map((name) => `${name}: is required when SMS_PROVIDER=tencent`));
  return {
    endpoint: env.SMS_ENDPOINT,
    region: env.SMS_REGION,
    secretId: env.SMS_SECRET_ID!,
    secretKey: env.SMS_SECRET_KEY!,
    sdkAppId: env.SMS_SDK_APP_ID!,
    signName: env.SMS_SIGN_NAME!,
    templateId: env.SMS_ALARM_TEMPLATE_ID!,
  };
}

const answer = z.object({
  Response: z.object({
    RequestId: z.string().optional(),
    Error: z.object({ Code: z.string(), Message: z.string().optional() }).optional(),
    SendStatusSet: z.array(z.object({ SerialNo: z.string().optional(), PhoneNumber: z.string().optional(), Code: z.string(), Message: z.string().optional() })).optional(),
  }),
});

/** Template parameters are short in approved templates: each is cut to this many characters. */
const MAX_PARAM_LENGTH = 20;

/** Tencent Cloud SMS (API 3.0, action SendSms, version 2021-01-11), signed with TC3-HMAC-SHA256. */
export class TencentSms implements SmsSender {
  constructor(
    private readonly config: TencentSmsConfig,
    private readonly clock: () => number = Date.now,
  ) {}

  async send(phone: string, templateParams: string[]): Promise<{ serialNo: string }> {
    const { config } = this;
    const payload = JSON.stringify({
      PhoneNumberSet: [phone],
      SmsSdkAppId: config.sdkAppId,
      SignName: config.signName,
      TemplateId: config.templateId,
      TemplateParamSet: templateParams.map((p) => p.slice(0, MAX_PARAM_LENGTH)),
    });
    const url = new URL(config.endpoint);
    const timestamp = Math.floor(this.clock() / 1000);
    const authorization = tc3Authorization({ secretId: config.secretId, secretKey: config.secretKey, service: 'sms', host: url.host, action: 'SendSms', payload, timestamp });
    let parsed;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: authorization,
          'Content-Type': TC3_CONTENT_TYPE,
          Host: url.host,
          'X-TC-Action': 'SendSms',
          'X-TC-Version': '2021-01-11',
          'X-TC-Timestamp': String(timestamp),
          'X-TC-Region': config.region,
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      parsed = answer.safeParse(await response.json());
    } catch (error) {
      throw new Error(`Tencent SMS did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (!parsed.success) throw new Error('Tencent SMS answered with something unexpected');
    const { Error: failure, SendStatusSet } = parsed.data.Response;
    if (failure) throw new Error(`Tencent SMS refused the request: ${failure.Code}`);
    const status = SendStatusSet?.[0];
    if (!status || status.Code !== 'Ok') throw new Error(`Tencent SMS did not send: ${status?.Code ?? 'no status'}`);
    return { serialNo: status.SerialNo ?? '' };
  }
}
