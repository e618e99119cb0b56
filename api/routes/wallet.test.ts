import { startTestApi, type TestApi } from '../../test/support/api-harness';

describe('wallet top-ups without a payment provider', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t.stop());

  it('refuses a top-up and leaves the wallet as it was when no provider is configured', async () => {
    const { token } = await t.login('no-free-money');
    const auth = `Bearer ${token}`;
    const http = t.httpWith({ topUps: undefined });
    const { body } = await http.post('/api/v1/wallet/top-ups').set('Authorization', auth).send({ amountFen: 100_000 }).expect(403);
    expect(body.error.code).toBe('FORBIDDEN');
    expect((await http.get('/api/v1/wallet').set('Authorization', auth).expect(200)).body).toEqual({ balanceFen: 0, heldFen: 0 });
  });
});
