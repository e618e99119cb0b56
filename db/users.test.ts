import { createTestSqliteDir } from '../test/support/services';
import { createDatabase, type Database } from './database';
import { UserDirectory } from './users';
import { WeChatUsers } from './wechat-users';

/** Embedded mode's SQLite: a write lock taken late makes concurrent first logins fail busy unless they queue. */
describe('first logins at the same moment on SQLite', () => {
  let dir: Awaited<ReturnType<typeof createTestSqliteDir>>;
  let db: Database;

  beforeAll(async () => {
    dir = await createTestSqliteDir();
    db = createDatabase({ dataDir: dir.dir });
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await dir.drop();
  });

  it('signs in ten concurrent dev logins of one new name as one user', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => new UserDirectory(db).devLogin('rush-hour', 'driver')));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(await new UserDirectory(db).byId(users[0].id)).toMatchObject({ name: 'rush-hour', role: 'driver' });
  });

  it('signs in ten concurrent first WeChat logins of one openid as one user', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => new WeChatUsers(db).userFor('openid-rush')));
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(await new UserDirectory(db).byId(users[0].id)).toMatchObject({ wechatOpenId: 'openid-rush' });
  });

  it('signs in ten different new drivers at once', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => new UserDirectory(db).devLogin(`crowd-${i}`, 'driver')));
    expect(new Set(users.map((u) => u.id)).size).toBe(10);
  });
});
