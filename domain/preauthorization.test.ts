import { decidePreauthorization } from './preauthorization';

const policy = { minHoldFen: 1000, maxHoldFen: 20_000 };

describe('pre-authorization', () => {
  it.each([
    ['holds the policy maximum from a rich wallet', 50_000, {}, { approved: true, holdFen: 20_000 }],
    ['holds the whole balance when it is below the maximum', 5_000, {}, { approved: true, holdFen: 5_000 }],
    ['holds only the amount the driver asked for', 50_000, { maxAmountFen: 3_000 }, { approved: true, holdFen: 3_000 }],
    ['declines a balance below the minimum', 999, {}, { approved: false, availableFen: 999, requiredFen: 1000 }],
    ['accepts a small balance for a smaller driver amount', 600, { maxAmountFen: 500 }, { approved: true, holdFen: 500 }],
    ['declines an empty wallet', 0, { maxAmountFen: 500 }, { approved: false, availableFen: 0, requiredFen: 500 }],
  ])('%s', (_, available, limits, decision) => {
    expect(decidePreauthorization(available, limits, policy)).toEqual(decision);
  });
});
