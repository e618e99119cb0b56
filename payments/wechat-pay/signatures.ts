import { createDecipheriv, createSign, createVerify, randomBytes } from 'node:crypto';

/**
 * WeChat Pay API v3's cryptography: every signed message is its lines each followed by "\n", signed with
 * SHA256-RSA (PKCS#1 v1.5); notification resources are AES-256-GCM under the merchant's APIv3 key.
 */
export function signLines(privateKeyPem: string, lines: string[]): string {
  return createSign('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).sign(privateKeyPem, 'base64');
}

export function verifyLines(publicKeyPem: string, lines: string[], signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

export const nonce = () => randomBytes(16).toString('hex');

/** The `Authorization` header of a request to WeChat Pay, signed with the merchant's private key. */
export function authorizationHeader(
  merchant: { mchId: string; serialNo: string; privateKeyPem: string },
  request: { method: string; pathAndQuery: string; body: string; timestamp: number; nonceStr: string },
): string {
  const signature = signLines(merchant.privateKeyPem, [request.method, request.pathAndQuery, String(request.timestamp), request.nonceStr, request.body]);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${merchant.mchId}",nonce_str="${request.nonceStr}",signature="${signature}",timestamp="${request.timestamp}",serial_no="${merchant.serialNo}"`;
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/** Opens a notification's resource; throws when it was not sealed with this APIv3 key. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported resource algorithm ${resource.algorithm}`);
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
}
