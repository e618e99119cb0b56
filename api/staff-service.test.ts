import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../infra/logger';
import { startTestApi, type TestApi } from '../test/support/api-harness';

describe('the first admin, created at start', () => {
  let t: TestApi;
  let dataDir: string;
  const logger = createLogger({ level: 'silent', name: 'first-admin-test' });
  const signIn = (username: string, password: string) => t.http.post('/api/v1/auth/staff-login').send({ username, password });

  beforeEach(async () => {
    t = await startTestApi();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-first-admin-'));
  });
  afterEach(async () => {
    await t.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates a password, keeps it in DATA_DIR for the owner alone, and it signs the admin in', async () => {
    await t.deps.staff.ensureFirstAdmin({ username: 'admin', dataDir, logger });
    const file = path.join(dataDir, 'initial-admin-password');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const { body } = await signIn('admin', fs.readFileSync(file, 'utf8').trim()).expect(200);
    expect(body.user).toMatchObject({ name: 'admin', role: 'admin' });
  });

  it('takes STAFF_ADMIN_PASSWORD when given, and writes no file', async () => {
    await t.deps.staff.ensureFirstAdmin({ username: 'ops-lead', password: 'a-long-chosen-password', dataDir, logger });
    expect(fs.existsSync(path.join(dataDir, 'initial-admin-password'))).toBe(false);
    await signIn('ops-lead', 'a-long-chosen-password').expect(200);
  });

  it('creates no one on a later start, once an admin can sign in', async () => {
    await t.deps.staff.ensureFirstAdmin({ username: 'admin', password: 'the-first-password', dataDir, logger });
    await t.deps.staff.ensureFirstAdmin({ username: 'second-admin', dataDir, logger });
    await signIn('admin', 'the-first-password').expect(200);
    expect(await t.db.models.StaffAccount.count()).toBe(1);
  });

  it('records the creation in the audit log as done by the system', async () => {
    await t.deps.staff.ensureFirstAdmin({ username: 'admin', password: 'the-first-password', dataDir, logger });
    const entries = await t.db.models.AuditEntry.findAll();
    expect(entries.map((e) => ({ actorName: e.actorName, action: e.action, target: e.target, result: e.result }))).toEqual([
      { actorName: 'system', action: 'staff.create', target: 'staff:admin', result: 'ok' },
    ]);
  });
});
