import fs from 'node:fs';
import path from 'node:path';
import { createTestSqliteDir } from '../test/support/services';
import os from 'node:os';
import { createDatabase, ensurePrivateDataDir } from './database';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("the embedded database's files", () => {
  it('keeps DATA_DIR to its owner (0700) and the SQLite file private (0600), tightening ones left open', async () => {
    const dir = await createTestSqliteDir();
    try {
      fs.chmodSync(dir.dir, 0o755);
      fs.writeFileSync(path.join(dir.dir, 'evcp.sqlite'), '', { mode: 0o644 });
      const db = createDatabase({ dataDir: dir.dir });
      await db.migrate();
      await db.close();
      expect(mode(dir.dir)).toBe(0o700);
      expect(mode(path.join(dir.dir, 'evcp.sqlite'))).toBe(0o600);
    } finally {
      await dir.drop();
    }
  });
});

describe('a DATA_DIR that is shared', () => {
  it('is refused, never tightened: other users need /tmp and its likes', () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-shared-'));
    try {
      fs.chmodSync(shared, 0o1777);
      expect(() => ensurePrivateDataDir(shared)).toThrow(/is a shared directory/);
      expect(fs.statSync(shared).mode & 0o7777).toBe(0o1777);
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });
});
