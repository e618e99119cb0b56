import fs from 'node:fs';

/**
 * js-yaml 3 reaches node_modules through jest (istanbul); it parses the YAML files of ops/ and .github/ in
 * tests. `safeLoad` refuses custom tags, as a config loader would.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsYaml = require('js-yaml') as { safeLoad(text: string, options?: { filename?: string }): unknown };

export function readYaml<T = unknown>(path: string): T {
  return jsYaml.safeLoad(fs.readFileSync(path, 'utf8'), { filename: path }) as T;
}
