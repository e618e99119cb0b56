import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_WORKFLOW_BUNDLE, WORKFLOW_INTERCEPTOR_MODULES } from './workflow-code';

/** Workflow code imports only these compiled folders (the lint's layer rules keep it so). */
const BUNDLE_INPUTS = ['workflows', 'domain'].map((folder) => path.join(__dirname, '..', folder));
const INPUTS_HASH_FILE = `${PREBUILT_WORKFLOW_BUNDLE}.inputs-sha256`;

/** `npm run build`'s last step: the session workflow bundled once, for every worker started from dist/; skipped when its inputs are unchanged. */
async function buildWorkflowBundle() {
  const inputsHash = hashOf(BUNDLE_INPUTS);
  if (fs.existsSync(PREBUILT_WORKFLOW_BUNDLE) && fs.existsSync(INPUTS_HASH_FILE) && fs.readFileSync(INPUTS_HASH_FILE, 'utf8') === inputsHash) {
    console.log(`workflow bundle: ${PREBUILT_WORKFLOW_BUNDLE} is up to date`);
    return;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  fs.writeFileSync(PREBUILT_WORKFLOW_BUNDLE, code);
  fs.writeFileSync(INPUTS_HASH_FILE, inputsHash);
  console.log(`workflow bundle: ${PREBUILT_WORKFLOW_BUNDLE} (${Math.round(code.length / 1024)} KiB)`);
}

function hashOf(folders: string[]): string {
  const hash = createHash('sha256').update(WORKFLOW_INTERCEPTOR_MODULES.join('\n'));
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

buildWorkflowBundle().catch((error) => {
  console.error(error);
  process.exit(1);
});
