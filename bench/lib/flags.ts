/** `--name value` and `--flag` arguments; the first bare words are scenario names. */
export interface Flags {
  names: string[];
  smoke: boolean;
  number(name: string, fallback: number, smoke?: number): number;
  string(name: string, fallback: string): string;
}

export function parseFlags(argv: string[]): Flags {
  const names: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const next = argv[i + 1];
    const hasValue = next !== undefined && !next.startsWith('--');
    values.set(arg.slice(2), hasValue ? next : 'true');
    if (hasValue) i++;
  }
  const smoke = values.get('smoke') === 'true';
  return {
    names,
    smoke,
    number(name, fallback, smokeValue) {
      const given = values.get(name);
      if (given !== undefined) {
        const parsed = Number(given);
        if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number (got "${given}")`);
        return parsed;
      }
      return smoke && smokeValue !== undefined ? smokeValue : fallback;
    },
    string: (name, fallback) => values.get(name) ?? fallback,
  };
}
