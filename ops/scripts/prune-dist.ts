import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run build` compiles incrementally, and tsc never deletes the output of a source file that is gone: a stale
 * dist/db/models.js would shadow dist/db/models/index.js. This removes every compiled file whose source is gone.
 */
const root = path.resolve(__dirname, '../../..');
const dist = path.join(root, 'dist');

function prune(dir: string): number {
  let removed = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removed += prune(file);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
      continue;
    }
    const compiled = /^(.*)\.(js|js\.map|d\.ts)$/.exec(path.relative(dist, file));
    if (!compiled || !path.relative(dist, file).includes(path.sep)) continue; // dist/'s own files (the bundle)
    if (!fs.existsSync(path.join(root, `${compiled[1]}.ts`))) {
      fs.rmSync(file);
      removed++;
    }
  }
  return removed;
}

if (fs.existsSync(dist)) {
  const removed = prune(dist);
  if (removed) console.log(`dist: removed ${removed} compiled files whose sources are gone`);
}
