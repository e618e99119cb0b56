import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../infra/temporal';
import { workflowBundle } from '../test/support/temporal';

/**
 * Histories recorded from earlier versions of the session workflow (RECORD_HISTORIES=1 npx jest
 * workflows/charging-session.test.ts writes them) must replay with today's code: a change that would break
 * sessions already running in production fails here, before it is deployed.
 */
installTemporalRuntime('warn');
const dir = path.join(__dirname, '../test/fixtures/histories');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('recorded session histories', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('replay %s deterministically with the current workflow code', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });
});
