import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256
 * (https://cloud.tencent.com/document/api/382/52072): a canonical request of the POST, its signed headers
 * (content-type, host, x-tc-action) and the body's SHA-256; a string to sign with the timestamp and the credential
 * scope `<UTC date>/<service>/tc3_request`; a signing key derived from the secret key by HMAC over date, service
 * and `tc3_request`.
 */
export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** `sms`. */
  service: string;
  host: string;
  action: string;
  payload: string;
  /** Epoch seconds, sent as X-TC-Timestamp. */
  timestamp: number;
  contentType?: string;
}

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** The UTC calendar date of a timestamp, as the credential scope has it. */
export const tc3Date = (timestamp: number) => new Date(timestamp * 1000).toISOString().slice(0, 10);

/** The hex signature of a request. */
export function tc3Signature(request: Tc3Request): string {
  const contentType = request.contentType ?? TC3_CONTENT_TYPE;
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalHeaders = `content-type:${contentType}\nhost:${request.host}\nx-tc-action:${request.action.toLowerCase()}\n`;
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(request.payload)].join('\n');
  const date = tc3Date(request.timestamp);
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(request.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${request.secretKey}`, date), request.service), 'tc3_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** The Authorization header of a request. */
export function tc3Authorization(request: Tc3Request): string {
  const scope = `${tc3Date(request.timestamp)}/${request.service}/tc3_request`;
  return `${TC3_ALGORITHM} Credential=${request.secretId}/${scope}, SignedHeaders=content-type;host;x-tc-action, Signature=${tc3Signature(request)}`;
}
