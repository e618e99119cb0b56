import fs from 'node:fs';
import path from 'node:path';

/** Where `npm run build` writes the workflow bundle: beside the compiled workers, in dist/. */
export const PREBUILT_WORKFLOW_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

/** Workflow interceptors bundled with the workflow code: OpenTelemetry spans for workflows, their activities and messages. */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/**
 * The workflow code a worker runs: the bundle built with the rest of dist/ when there is one, so a starting
 * worker neither loads webpack nor compiles (faster restarts, about 65 MiB less resident memory); from the
 * TypeScript sources (the tests), bundled at start.
 */
export function workflowCode(): { workflowBundle: { codePath: string } } | { workflowsPath: string; workflowInterceptorModules: string[] } {
  if (fs.existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES };
}
