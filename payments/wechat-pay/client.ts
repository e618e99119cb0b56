import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { WeChatPayConfig } from './config';
import { authorizationHeader, decryptResource, nonce, verifyLines } from './signatures';

/** A signed message older or newer than this is refused as a replay. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface SignedMessage {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const notification = z.object({
  event_type: z.string(),
  resource: z.object({ algorithm: z.string(), ciphertext: z.string(), nonce: z.string(), associated_data: z.string().optional() }),
});

/**
 * WeChat Pay API v3 for one merchant: requests signed with the merchant key, answers and notifications believed
 * only when WeChat Pay's signature verifies and is fresh, notification resources opened with the APIv3 key.
 */
export class WeChatPayClient {
  constructor(
    readonly config: WeChatPayConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One signed request; a successful answer's signature is verified before it is returned, except where WeChat Pay
   * does not sign (a bill download, which the caller checks against the hash of the signed bill answer).
   */
  async call(method: 'GET' | 'POST', pathOrUrl: string, body = '', options: { signedAnswer?: boolean } = {}): Promise<{ ok: boolean; status: number; text: string }> {
    const target = new URL(pathOrUrl, this.config.apiBase);
    if (target.origin !== new URL(this.config.apiBase).origin) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay pointed at another host (${target.host})`);
    const pathAndQuery = `${target.pathname}${target.search}`;
    const authorization = authorizationHeader(this.config, { method, pathAndQuery, body, timestamp: Math.floor(this.now() / 1000), nonceStr: nonce() });
    let response: Response;
    let text: string;
    try {
      response = await fetch(target, {
        method,
        headers: { authorization, accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(method === 'POST' ? { body } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      text = await response.text();
    } catch {
      throw new DomainError('UPSTREAM_FAILED', 'WeChat Pay did not answer; try again');
    }
    if (response.ok && options.signedAnswer !== false) this.verify({ headers: Object.fromEntries(response.headers), body: text });
    return { ok: response.ok, status: response.status, text };
  }

  /** A notification's event type and its opened resource, parsed by `schema`; throws when it must be refused. */
  openNotification<S extends z.ZodType>(message: SignedMessage, schema: S): { eventType: string; resource: z.infer<S> } {
    this.verify(message);
    const notice = parseJson(notification, message.body, 'notification');
    let opened: string;
    try {
      opened = decryptResource(notice.resource, this.config.apiV3Key);
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'the notification resource was not sealed with our APIv3 key');
    }
    return { eventType: notice.event_type, resource: parseJson(schema, opened, 'notification resource') };
  }

  /** A message from WeChat Pay (header names in lower case): signed by its public key that we know, and fresh. */
  private verify({ headers, body }: SignedMessage) {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const timestamp = header('wechatpay-timestamp');
    const nonceStr = header('wechatpay-nonce');
    const signature = header('wechatpay-signature');
    if (!timestamp || !nonceStr || !signature) throw new DomainError('UNAUTHENTICATED', 'the WeChat Pay signature headers are missing');
    if (header('wechatpay-serial') !== this.config.platformPublicKeyId) throw new DomainError('UNAUTHENTICATED', 'signed with a key we do not know');
    if (Math.abs(this.now() - Number(timestamp) * 1000) > MAX_CLOCK_SKEW_MS) throw new DomainError('UNAUTHENTICATED', 'the signature is too old or from the future');
    if (!verifyLines(this.config.platformPublicKeyPem, [timestamp, nonceStr, body], signature)) throw new DomainError('UNAUTHENTICATED', 'the WeChat Pay signature does not verify');
  }
}

export function parseJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    throw new DomainError('VALIDATION_FAILED', `the ${what} from WeChat Pay is malformed`);
  }
}

/** WeChat Pay's error code from its answer, for the message (never the whole body). */
export function errorCode(text: string): string {
  try {
    return String((JSON.parse(text) as { code?: unknown }).code ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
