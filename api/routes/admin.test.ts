import { randomUUID } from 'node:crypto';
import { Orders } from '../../db/orders';
import type { ChargingSession } from '../../db/models';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aSession, aStation } from '../../test/support/driver-data';
import { uniqueId } from '../../test/support/services';

describe.each([['MariaDB'], ['SQLite']] as const)('back office sessions on %s: search, a session page, review decisions', (database) => {
  let t: TestApi;
  let operator: string;
  let support: string;
  let admin: string;
  let place: { stationId: string; pileId: string };
  let other: { stationId: string; pileId: string };
  const bearer = (token: string) => `Bearer ${token}`;
  const search = (auth: string, query = '') => t.http.get(`/api/v1/admin/sessions${query}`).set('Authorization', auth);
  const review = (auth: string, id: string, body: object) => t.http.post(`/api/v1/admin/sessions/${id}/review`).set('Authorization', auth).send(body);

  beforeAll(async () => {
    t = await startTestApi({}, { TEMPORAL_UI_URL: 'http://temporal-ui.test:8233/' }, { database });
    operator = bearer((await t.staffLogin('sessions-operator', 'operator')).token);
    support = bearer((await t.staffLogin('sessions-support', 'support')).token);
    admin = bearer((await t.staffLogin('sessions-admin', 'admin')).token);
    const a = await aStation(t, { name: 'Harbour' });
    place = { stationId: a.stationId, pileId: a.pileIds[0] };
    const b = await aStation(t, { name: 'Hillside' });
    other = { stationId: b.stationId, pileId: b.pileIds[0] };
  });
  afterAll(() => t.stop());

  /** A settled session whose order was paid from the driver's wallet (topped up first), flagged for review. */
  async function aFlaggedPaidSession(userId: string, reason = 'pile never confirmed the stop'): Promise<ChargingSession> {
    await t.deps.wallet.creditTopUp({ userId, amountFen: 10_000, provider: 'sandbox', providerRef: null, idempotencyKey: uniqueId('top-up') });
    const session = await aSession(t, { userId, ...place });
    await t.db.transaction((transaction) => new Orders(t.db).record({ sessionId: session.id, userId, pileId: session.pileId, stationId: session.stationId, bill: session.bill! }, transaction));
    await session.update({ needsReview: true, reviewReason: reason });
    return session;
  }

  describe('search', () => {
    it('filters by pile code, station, driver, status and period, newest first', async () => {
      const driver = await t.login(uniqueId('driver'));
      const at = (iso: string) => new Date(iso);
      const early = await aSession(t, { userId: driver.userId, ...place }, { createdAt: at('2026-03-01T08:00:00Z') });
      const failed = await aSession(t, { userId: driver.userId, ...place }, { status: 'SETTLEMENT_FAILED', createdAt: at('2026-03-02T08:00:00Z') });
      const elsewhere = await aSession(t, { userId: driver.userId, ...other }, { createdAt: at('2026-03-03T08:00:00Z') });
      const ids = (res: { body: { sessions: { sessionId: string }[] } }) => res.body.sessions.map((s) => s.sessionId);

      expect(ids(await search(operator, `?driver=${driver.userId}`).expect(200))).toEqual([elsewhere.id, failed.id, early.id]);
      expect(ids(await search(operator, `?driver=${driver.userId}&pile=${place.pileId}`).expect(200))).toEqual([failed.id, early.id]);
      expect(ids(await search(operator, `?driver=${driver.userId}&station=${other.stationId}`).expect(200))).toEqual([elsewhere.id]);
      expect(ids(await search(support, `?driver=${driver.userId}&status=SETTLEMENT_FAILED`).expect(200))).toEqual([failed.id]);
      expect(ids(await search(admin, `?driver=${driver.userId}&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z`).expect(200))).toEqual([failed.id]);
      expect((await search(operator, '?pile=no-such-pile').expect(200)).body).toEqual({ sessions: [], nextCursor: null });
    });

    it('shows where the session happened and its review state', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const { body } = await search(operator, `?driver=${driver.userId}&needsReview=true`).expect(200);
      expect(body.sessions).toEqual([
        expect.objectContaining({ sessionId: session.id, pileCode: place.pileId, stationName: 'Harbour', needsReview: true, reviewReason: 'pile never confirmed the stop', reviewState: null }),
      ]);
    });

    it('pages through sessions created at the same instant with a cursor, missing none', async () => {
      const driver = await t.login(uniqueId('driver'));
      const sameInstant = new Date('2026-04-01T00:00:00Z');
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await aSession(t, { userId: driver.userId, ...place }, { createdAt: sameInstant }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { sessions: { sessionId: string }[]; nextCursor: string | null } } = await search(operator, `?driver=${driver.userId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        seen.push(...res.body.sessions.map((s) => s.sessionId));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(made.map((s) => s.id).sort().reverse());
    });

    it.each([
      ['a status that does not exist', '?status=LOST', 'status'],
      ['a cursor not of this list', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['a period that is not a date', '?from=yesterday', 'from'],
      ['a limit above 200', '?limit=500', 'limit'],
      ['an unknown filter', '?colour=red', 'query'],
    ])('refuses %s with a 400', async (_case, query, field) => {
      const { body } = await search(operator, query).expect(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.field ?? 'query').toBe(field);
    });

    it('refuses drivers', async () => {
      await search(bearer((await t.login(uniqueId('driver'))).token)).expect(403);
    });
  });

  describe("a session's page", () => {
    it('shows the timeline, the bill per band, the meter, the commands and the link to its workflow', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const { body } = await t.http.get(`/api/v1/admin/sessions/${session.id}`).set('Authorization', support).expect(200);
      expect(body.session).toMatchObject({ sessionId: session.id, status: 'COMPLETED', pileCode: place.pileId, workflowId: session.workflowId });
      expect(body.timeline.map((e: { to: string }) => e.to)).toEqual(['AUTHORIZING', 'COMPLETED']);
      expect(body.bill.lines).toEqual([expect.objectContaining({ band: 'peak', energyWh: 12_000 })]);
      expect(body.meter).toMatchObject({ startWh: 100_000, stopWh: 112_000, energyWh: 12_000 });
      expect(body.payment.order).toMatchObject({ capturedFen: session.bill!.capturedFen });
      expect(body.commands).toEqual([]);
      expect(body.temporal.url).toBe(`http://temporal-ui.test:8233/namespaces/default/workflows/${session.workflowId}`);
      expect(body.reviews).toEqual([]);
    });

    it('lists the operator commands linked to the session', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aSession(t, { userId: driver.userId, ...place });
      const commandId = randomUUID();
      await t.db.models.PileCommandEntry.create({
        commandId, pileId: place.pileId, pileCode: place.pileId, type: 'stop', params: {}, reason: 'driver called: cable stuck', state: 'accepted',
        requestedById: 'staff-1', requestedByName: 'ops', requestedByRole: 'operator', sessionId: session.id, workflowId: `pile-command-${commandId}`, attempts: 1, detail: null,
      });
      const { body } = await t.http.get(`/api/v1/admin/sessions/${session.id}`).set('Authorization', operator).expect(200);
      expect(body.commands).toEqual([expect.objectContaining({ commandId, type: 'stop', state: 'accepted', sessionId: session.id })]);
    });

    it('answers 404 for a session that does not exist', async () => {
      await t.http.get(`/api/v1/admin/sessions/${randomUUID()}`).set('Authorization', operator).expect(404);
    });
  });

  describe('review decisions', () => {
    it('adjusts with a partial refund: the wallet gets it once, the flag clears, the driver sees it on the order', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const before = (await t.http.get('/api/v1/wallet').set('Authorization', bearer(driver.token)).expect(200)).body.balanceFen;

      const { body } = await review(operator, session.id, { decision: 'adjust', refundFen: 1200, note: 'meter jumped at the end' }).expect(201);
      expect(body.review).toMatchObject({ decision: 'adjust', refundFen: 1200, note: 'meter jumped at the end', decidedBy: { name: 'sessions-operator', role: 'operator' } });

      expect((await t.http.get('/api/v1/wallet').set('Authorization', bearer(driver.token)).expect(200)).body.balanceFen).toBe(before + 1200);
      const ledger = await t.deps.wallet.transactions(driver.userId, 10);
      expect(ledger.filter((e) => e.kind === 'order_refund').map((e) => [e.amountFen, e.sessionId])).toEqual([[1200, session.id]]);
      const order = await t.http.get(`/api/v1/orders/${session.id}`).set('Authorization', bearer(driver.token)).expect(200);
      expect(order.body).toMatchObject({ reviewRefundFen: 1200, reviewRefundedAt: expect.any(String) });
      const page = await t.http.get(`/api/v1/admin/sessions/${session.id}`).set('Authorization', operator).expect(200);
      expect(page.body.session).toMatchObject({ needsReview: false, reviewState: 'resolved' });
      expect(page.body.payment.refundedFen).toBe(1200);
    });

    it('refunds exactly once under concurrent retries of the same adjustment', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const before = (await t.deps.wallet.wallet(driver.userId)).balanceFen;
      const reviewId = randomUUID();
      const answers = await Promise.all(
        [1, 2, 3, 4].map((i) => review(operator, session.id, { ...(i % 2 ? { reviewId } : {}), decision: 'adjust', refundFen: 700, note: 'charged for a fault' })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.review.id)).size).toBe(1);
      expect((await t.deps.wallet.wallet(driver.userId)).balanceFen).toBe(before + 700);
      expect((await t.deps.wallet.transactions(driver.userId, 20)).filter((e) => e.kind === 'order_refund')).toHaveLength(1);
      expect(await t.db.models.SessionReview.count({ where: { sessionId: session.id } })).toBe(1);
    });

    it('refuses a second refund of another amount for the same order', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      await review(operator, session.id, { decision: 'adjust', refundFen: 100, note: 'first' }).expect(201);
      const { body } = await review(admin, session.id, { decision: 'adjust', refundFen: 200, note: 'second' }).expect(409);
      expect(body.error.code).toBe('CONFLICT');
    });

    it('refuses a refund above what the order captured, and moves no money', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const before = await t.deps.wallet.wallet(driver.userId);
      const { body } = await review(operator, session.id, { decision: 'adjust', refundFen: session.bill!.capturedFen + 1, note: 'too much' }).expect(400);
      expect(body.error.field).toBe('refundFen');
      expect((await t.deps.wallet.wallet(driver.userId)).balanceFen).toBe(before.balanceFen);
      expect(await t.db.models.SessionReview.count({ where: { sessionId: session.id } })).toBe(0);
    });

    it('refuses to adjust a session whose payment was never captured', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aSession(t, { userId: driver.userId, ...place }, { status: 'SETTLEMENT_FAILED' });
      await review(operator, session.id, { decision: 'adjust', refundFen: 100, note: 'nothing was paid' }).expect(409);
    });

    it('approves: the flag clears, no money moves', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      const before = (await t.deps.wallet.wallet(driver.userId)).balanceFen;
      await review(admin, session.id, { decision: 'approve', note: 'meter checked, fine' }).expect(201);
      const row = (await t.deps.sessionRecords.byId(session.id))!;
      expect([row.needsReview, row.reviewState]).toEqual([false, 'resolved']);
      expect((await t.deps.wallet.wallet(driver.userId)).balanceFen).toBe(before);
    });

    it('escalates: the session stays flagged, marked escalated, and leaves the open queue', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      await review(operator, session.id, { decision: 'escalate', note: 'needs the vendor' }).expect(201);
      const open = await search(operator, `?driver=${driver.userId}&needsReview=true&reviewState=none`).expect(200);
      expect(open.body.sessions).toEqual([]);
      const escalated = await search(operator, `?driver=${driver.userId}&needsReview=true&reviewState=escalated`).expect(200);
      expect(escalated.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([session.id]);
    });

    it('audits each decision with its note, including the refused ones', async () => {
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      await review(operator, session.id, { decision: 'adjust', refundFen: 999_999, note: 'way too much' }).expect(400);
      await review(operator, session.id, { decision: 'adjust', refundFen: 300, note: 'partial refund' }).expect(201);
      const { body } = await t.http.get(`/api/v1/admin/audit?target=session:${session.id}`).set('Authorization', admin).expect(200);
      expect(body.entries.map((e: { action: string; reason: string; result: string }) => [e.action, e.reason, e.result])).toEqual([
        ['session.review.adjust', 'partial refund', 'ok'],
        ['session.review.adjust', 'way too much', 'VALIDATION_FAILED'],
      ]);
    });

    it.each([
      ['an unknown decision', { decision: 'refund', note: 'x' }, 'decision'],
      ['an adjustment without an amount', { decision: 'adjust', note: 'x' }, 'refundFen'],
      ['an amount on an approval', { decision: 'approve', refundFen: 100, note: 'x' }, 'refundFen'],
      ['a fractional amount', { decision: 'adjust', refundFen: 10.5, note: 'x' }, 'refundFen'],
      ['no note', { decision: 'approve' }, 'note'],
      ['a note over 500 characters', { decision: 'approve', note: 'x'.repeat(501) }, 'note'],
      ['a review id that is not a UUID', { reviewId: 'r1', decision: 'approve', note: 'x' }, 'reviewId'],
    ])('refuses %s with a 400', async (_case, body, field) => {
      const res = await review(operator, randomUUID(), body).expect(400);
      expect(res.body.error.field).toBe(field);
    });

    it.each([['driver'], ['support']])('refuses a %s', async (role) => {
      const token = role === 'driver' ? (await t.login(uniqueId('driver'))).token : (await t.staffLogin(uniqueId('support'), 'support')).token;
      const driver = await t.login(uniqueId('driver'));
      const session = await aFlaggedPaidSession(driver.userId);
      await review(bearer(token), session.id, { decision: 'approve', note: 'x' }).expect(403);
    });
  });
});
