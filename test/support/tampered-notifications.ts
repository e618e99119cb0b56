import fc from 'fast-check';

export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
}

/**
 * Hostile versions of a genuine, signed WeChat Pay notification: random signature headers and bodies, the genuine
 * headers over another body, and the genuine body with one signature header changed. `bodies` adds shapes of the
 * caller's own (e.g. a known event_type over a forged resource). None of them may be accepted.
 */
export function tamperedNotifications(genuine: SignedNotification, bodies: fc.Arbitrary<string>[] = []): fc.Arbitrary<SignedNotification> {
  const header = fc.constantFrom('wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature');
  return fc.oneof(
    fc.record({ headers: fc.dictionary(header, fc.string({ maxLength: 80 })), body: fc.string({ maxLength: 500 }) }),
    ...bodies.map((body) => fc.record({ headers: fc.constant(genuine.headers), body })),
    fc.record({ headers: fc.constant(genuine.headers), body: fc.string({ maxLength: 500 }).filter((body) => body !== genuine.body) }),
    fc
      .record({ headers: fc.tuple(header, fc.string({ maxLength: 80 })).map(([name, value]) => ({ ...genuine.headers, [name]: value })), body: fc.constant(genuine.body) })
      .filter((m) => JSON.stringify(m.headers) !== JSON.stringify(genuine.headers)),
  );
}
