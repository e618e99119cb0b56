import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_WORKFLOW_BUNDLES, WORKFLOW_TRACING_INTERCEPTOR_MODULES } from './workflow-code';

/** Workflow code imports only these compiled folders (the lint's layer rules keep it so). */
const BUNDLE_INPUTS = ['workflows', 'domain'].map((folder) => path.join(__dirname, '..', folder));

/** `npm run build`'s last step: the workflow code bundled once, plain and traced, for every worker started from dist/; each skipped when its inputs are unchanged. */
async function buildWorkflowBundles() {
  await buildWorkflowBundle(PREBUILT_WORKFLOW_BUNDLES.plain, []);
  await buildWorkflowBundle(PREBUILT_WORKFLOW_BUNDLES.traced, WORKFLOW_TRACING_INTERCEPTOR_MODULES);
}

async function buildWorkflowBundle(file: string, interceptorModules: string[]) {
  const inputsHashFile = `${file}.inputs-sha256`;
  const inputsHash = hashOf(BUNDLE_INPUTS, interceptorModules);
  if (fs.existsSync(file) && fs.existsSync(inputsHashFile) && fs.readFileSync(inputsHashFile, 'utf8') === inputsHash) {
    console.log(`workflow bundle: ${file} is up to date`);
    return;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: interceptorModules,
    logger: new DefaultLogger('WARN'),
  });
  fs.writeFileSync(file, code);
  fs.writeFileSync(inputsHashFile, inputsHash);
  console.log(`workflow bundle: ${file} (${Math.round(code.length / 1024)} KiB)`);
}

function hashOf(folders: string[], interceptorModules: string[]): string {
  const hash = createHash('sha256').update(interceptorModules.join('\n'));
  const visit = (entry: string) => {
    if (fs.statSync(entry).isDirectory()) {
      for (const name of fs.readdirSync(entry).sort()) visit(path.join(entry, name));
    } else if (entry.endsWith('.js')) {
      hash.update(entry).update(fs.readFileSync(entry));
    }
  };
  folders.forEach(visit);
  return hash.digest('hex');
}

buildWorkflowBundles().catch((error) => {
  console.error(error);
  process.exit(1);
});
