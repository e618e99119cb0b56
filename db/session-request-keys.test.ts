import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../test/support/services';
import { createDatabase, type Database } from './database';
import { SessionRequestKeys } from './session-request-keys';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
  await db.migrate();
}, 60_000);

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe('session ids of driver requests', () => {
  it('gives every concurrent retry of one request the same session id', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => new SessionRequestKeys(db).sessionIdFor('driver-a', 'tap-1', randomUUID)));
    expect(new Set(ids).size).toBe(1);
  });

  it('gives the same id to a retry long after the first attempt', async () => {
    const first = await new SessionRequestKeys(db).sessionIdFor('driver-b', 'tap-1', randomUUID);
    expect(await new SessionRequestKeys(db).sessionIdFor('driver-b', 'tap-1', randomUUID)).toBe(first);
  });

  it('draws ids that the user and the key do not predict', async () => {
    const draws: string[] = [];
    const drawn = () => {
      draws.push(randomUUID());
      return draws[draws.length - 1];
    };
    const one = await new SessionRequestKeys(db).sessionIdFor('driver-c', 'same-key', drawn);
    const other = await new SessionRequestKeys(db).sessionIdFor('driver-d', 'same-key', drawn);
    expect([one, other]).toEqual(draws);
    expect(one).not.toBe(other);
  });
});
