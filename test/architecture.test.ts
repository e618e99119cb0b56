import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The layers of docs/architecture.md, checked on the real import graph: dependency-cruiser applies the rules of
 * .dependency-cruiser.cjs module by module, and the folders themselves must form no loop.
 */
const root = path.resolve(__dirname, '..');
const FOLDERS = ['domain', 'workflows', 'activities', 'db', 'payments', 'infra', 'live', 'device-protocol', 'device-gateway', 'ocpp', 'simulator', 'api', 'worker', 'system', 'bench', 'test'];

interface CruiseResult {
  modules: { source: string; dependencies: { resolved: string; coreModule: boolean; couldNotResolve: boolean }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
}

function cruise(): CruiseResult {
  const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const folders = FOLDERS.filter((folder) => fs.existsSync(path.join(root, folder)));
  const output = execFileSync(process.execPath, [bin, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...folders], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output.toString());
}

const folderOf = (file: string) => file.split('/')[0];
const isTest = (file: string) => file.startsWith('test/') || file.endsWith('.test.ts');

/** Strongly connected folders (Tarjan): each group of two or more is a loop between folders. */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('the architecture', () => {
  let result: CruiseResult;
  beforeAll(() => {
    result = cruise();
  });

  it('keeps every dependency rule of .dependency-cruiser.cjs, in source, tests and benchmarks', () => {
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('has no loop between folders outside the tests', () => {
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      if (isTest(module.source) || module.source.startsWith('node_modules/')) continue;
      const from = folderOf(module.source);
      for (const dependency of module.dependencies) {
        if (dependency.coreModule || dependency.couldNotResolve || dependency.resolved.startsWith('node_modules/')) continue;
        const to = folderOf(dependency.resolved);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(folderCycles(edges)).toEqual([]);
  });
});
