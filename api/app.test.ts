import { startTestApi, type TestApi } from '../test/support/api-harness';

describe('answers the API gives outside its routes', () => {
  let t: TestApi;
  let token: string;

  beforeAll(async () => {
    t = await startTestApi();
    token = `Bearer ${(await t.login('edge-driver')).token}`;
  });
  afterAll(() => t.stop());

  it('answers an unknown path with a JSON 404', async () => {
    const { body } = await t.http.get('/no/such/thing').expect(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('answers a method a route does not take with a JSON 405 and its Allow header', async () => {
    const response = await t.http.delete('/api/v1/wallet').set('Authorization', token).expect(405);
    expect(response.body.error).toMatchObject({ code: 'METHOD_NOT_ALLOWED', message: expect.any(String) });
    expect(response.headers.allow).toContain('GET');
  });

  it('answers a method no route implements with a JSON 405, not a 501', async () => {
    const { body } = await t.http.trace('/api/v1/wallet').set('Authorization', token).expect(405);
    expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each([
    ['an id', (http: TestApi['http']) => http.get('/api/v1/sessions/%00')],
    ['a query', (http: TestApi['http']) => http.get('/api/v1/sessions?before=%00')],
    ['a body', (http: TestApi['http']) => http.post('/api/v1/feedback').send({ kind: 'complaint', content: 'bad\u0000pile' })],
  ])('refuses NUL in %s with a 400', async (_, send) => {
    const { body } = await send(t.http).set('Authorization', token).expect(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });
});
