import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddedSecrets {
  jwtSecret: string;
  pileMasterKey: string;
}

const secretsFile = (dataDir: string) => path.join(dataDir, 'secrets.json');

/** What an embedded platform stored in DATA_DIR, for processes that join it (the simulator); empty before its first start. */
export function storedEmbeddedSecrets(dataDir: string): Partial<EmbeddedSecrets> {
  const file = secretsFile(dataDir);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

/**
 * Secrets for the embedded single-machine mode: taken from the environment when set, otherwise generated
 * once into DATA_DIR/secrets.json (mode 600) so tokens and pile keys survive restarts. Never committed.
 */
export function embeddedSecrets(dataDir: string, env: { JWT_SECRET?: string; PILE_MASTER_KEY?: string }): EmbeddedSecrets {
  const stored = storedEmbeddedSecrets(dataDir);
  const generated = { ...stored };
  generated.jwtSecret ??= env.JWT_SECRET ? undefined : randomBytes(32).toString('base64url');
  generated.pileMasterKey ??= env.PILE_MASTER_KEY ? undefined : randomBytes(32).toString('base64url');
  if (generated.jwtSecret !== stored.jwtSecret || generated.pileMasterKey !== stored.pileMasterKey) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(secretsFile(dataDir), JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return { jwtSecret: env.JWT_SECRET ?? generated.jwtSecret!, pileMasterKey: env.PILE_MASTER_KEY ?? generated.pileMasterKey! };
}
