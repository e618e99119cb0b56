import { END_REASONS } from './session-state';

// The mini-program is plain CommonJS JavaScript outside the TypeScript build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { END_REASON } = require('../mini-program/utils/labels.js') as { END_REASON: Record<string, string> };

describe('end reasons a driver can be shown', () => {
  it.each(END_REASONS)('%s has a label in the mini-program', (reason) => {
    expect(END_REASON[reason]).toEqual(expect.any(String));
  });
});
