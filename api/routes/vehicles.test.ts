import { startTestApi, type TestApi } from '../../test/support/api-harness';

describe('vehicles', () => {
  let t: TestApi;
  let alice: string;
  let bob: string;
  const aVehicle = (overrides: object = {}) => ({ plate: '沪AD12345', model: 'BYD Han EV', connectorType: 'GB/T', ...overrides });

  beforeAll(async () => {
    t = await startTestApi();
    alice = `Bearer ${(await t.login('car-alice')).token}`;
    bob = `Bearer ${(await t.login('car-bob')).token}`;
  });
  afterAll(() => t.stop());

  it('adds a vehicle with its plate normalised, and lists it', async () => {
    const { body } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '沪a·d 54321' })).expect(201);
    expect(body).toMatchObject({ plate: '沪AD54321', model: 'BYD Han EV', connectorType: 'GB/T' });
    const list = await t.http.get('/api/v1/vehicles').set('Authorization', alice).expect(200);
    expect(list.body.vehicles.map((v: { id: string }) => v.id)).toContain(body.id);
    expect(list.body.connectorTypes).toContain('GB/T');
  });

  it('updates the model of a vehicle', async () => {
    const { body: car } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '京B11111' })).expect(201);
    const { body } = await t.http.patch(`/api/v1/vehicles/${car.id}`).set('Authorization', alice).send({ model: 'NIO ET5' }).expect(200);
    expect(body).toMatchObject({ id: car.id, plate: '京B11111', model: 'NIO ET5' });
  });

  it('deletes a vehicle', async () => {
    const { body: car } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '京B22222' })).expect(201);
    await t.http.delete(`/api/v1/vehicles/${car.id}`).set('Authorization', alice).expect(204);
    const list = await t.http.get('/api/v1/vehicles').set('Authorization', alice);
    expect(list.body.vehicles.map((v: { id: string }) => v.id)).not.toContain(car.id);
  });

  it('refuses a second vehicle with the same plate, naming the plate', async () => {
    await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '粤B33333' })).expect(201);
    const { body } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '粤B33333' })).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'plate' });
  });

  it.each([
    ['plate', { plate: 'ABC' }],
    ['model', { model: '' }],
    ['connectorType', { connectorType: 'USB-C' }],
  ])('answers 400 naming %s when it is invalid', async (field, overrides) => {
    const { body } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle(overrides)).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it("neither shows nor lets another driver change or delete someone's vehicle", async () => {
    const { body: car } = await t.http.post('/api/v1/vehicles').set('Authorization', alice).send(aVehicle({ plate: '浙A44444' })).expect(201);
    const bobs = await t.http.get('/api/v1/vehicles').set('Authorization', bob);
    expect(bobs.body.vehicles).toEqual([]);
    await t.http.patch(`/api/v1/vehicles/${car.id}`).set('Authorization', bob).send({ model: 'stolen' }).expect(404);
    await t.http.delete(`/api/v1/vehicles/${car.id}`).set('Authorization', bob).expect(404);
    const alices = await t.http.get('/api/v1/vehicles').set('Authorization', alice);
    expect(alices.body.vehicles.find((v: { id: string }) => v.id === car.id).model).toBe('BYD Han EV');
  });
});
