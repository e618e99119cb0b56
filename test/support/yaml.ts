import fs from 'node:fs';
import { parse } from 'yaml';

/** Parses a YAML file of ops/ or .github/ for the tests; duplicate keys and bad syntax fail loudly. */
export function readYaml<T = unknown>(path: string): T {
  return parse(fs.readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true }) as T;
}
