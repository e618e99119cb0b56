import fs from 'node:fs';
import { parse } from 'yaml';

/**
 * Parses a YAML file of ops/ or .github/ for the tests; duplicate keys and bad syntax fail loudly. docker-compose.yml
 * uses more aliases than the parser's default guard allows: `maxAliasCount: -1` lifts it for our own files.
 */
export function readYaml<T = unknown>(path: string, options: { maxAliasCount?: number } = {}): T {
  return parse(fs.readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true, ...options }) as T;
}
