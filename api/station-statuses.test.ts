import { MemoryHotState } from '../infra/hot-state';
import { hotKeys } from '../infra/hot-state/keys';
import { LiveState } from '../live/live-state';
import { ListedStationStatuses } from './station-statuses';

describe('pile statuses for station lists', () => {
  const hot = new MemoryHotState();
  const live = new LiveState(hot);
  let clock = 0;
  const statuses = new ListedStationStatuses(live, 1000, () => clock);
  const pileBecomes = (status: string) => hot.hashSet(hotKeys.stationPiles('station-1'), { 'pile-1': status });

  it('shows a change once the remembered read is older than its maximum age, not before', async () => {
    await pileBecomes('idle');
    expect(await statuses.of('station-1')).toEqual({ 'pile-1': 'idle' });

    await pileBecomes('charging');
    clock += 999;
    expect(await statuses.of('station-1')).toEqual({ 'pile-1': 'idle' });

    clock += 1;
    expect(await statuses.of('station-1')).toEqual({ 'pile-1': 'charging' });
  });

  it('does not remember a failed read', async () => {
    const failing = { stationPiles: jest.fn().mockRejectedValueOnce(new Error('redis down')).mockResolvedValueOnce({ 'pile-1': 'idle' }) };
    const listed = new ListedStationStatuses(failing, 1000, () => 0);
    await expect(listed.of('station-1')).rejects.toThrow('redis down');
    expect(await listed.of('station-1')).toEqual({ 'pile-1': 'idle' });
  });
});
