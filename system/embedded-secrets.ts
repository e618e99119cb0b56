import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddedSecrets {
  jwtSecret: string;
  pileMasterKey: string;
}

/**
 * Secrets for the embedded single-machine mode: taken from the environment when set, otherwise generated
 * once into DATA_DIR/secrets.json (mode 600) so tokens and pile keys survive restarts. Never committed.
 */
export function embeddedSecrets(dataDir: string, env: { JWT_SECRET?: string; PILE_MASTER_KEY?: string }): EmbeddedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const stored: Partial<EmbeddedSecrets> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const generated = { ...stored };
  generated.jwtSecret ??= env.JWT_SECRET ? undefined : randomBytes(32).toString('base64url');
  generated.pileMasterKey ??= env.PILE_MASTER_KEY ? undefined : randomBytes(32).toString('base64url');
  if (generated.jwtSecret !== stored.jwtSecret || generated.pileMasterKey !== stored.pileMasterKey) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return { jwtSecret: env.JWT_SECRET ?? generated.jwtSecret!, pileMasterKey: env.PILE_MASTER_KEY ?? generated.pileMasterKey! };
}
