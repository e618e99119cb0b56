import fs from 'node:fs';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_WORKFLOW_BUNDLE } from './workflow-code';

/** `npm run build`'s last step: the session workflow bundled once, for every worker started from dist/. */
async function buildWorkflowBundle() {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
  fs.writeFileSync(PREBUILT_WORKFLOW_BUNDLE, code);
  console.log(`workflow bundle: ${PREBUILT_WORKFLOW_BUNDLE} (${Math.round(code.length / 1024)} KiB)`);
}

buildWorkflowBundle().catch((error) => {
  console.error(error);
  process.exit(1);
});
