import { DEFAULT_BILL_TEMPLATE_FIELDS, billNoticeData, billNoticePage } from './bill-notice';

const notice = { sessionId: 's-1', stationName: '科技园快充站', energyWh: 23_405, totalFen: 3_507, settledAtMs: Date.UTC(2026, 10, 29, 16, 5, 59), utcOffsetMinutes: 480 };

describe('the bill message of a settled session', () => {
  it('shows the amount in yuan exact to the fen, the energy exact to the Wh and the local time of settlement', () => {
    expect(billNoticeData(notice, DEFAULT_BILL_TEMPLATE_FIELDS)).toEqual({
      amount1: '35.07元',
      character_string2: '23.405kWh',
      thing3: '科技园快充站',
      time4: '2026-11-30 00:05',
    });
  });

  it('puts each part under the keyword the template was configured with', () => {
    const data = billNoticeData({ ...notice, totalFen: 5, energyWh: 7 }, { amount: 'amount9', energy: 'number8', station: 'thing7', time: 'date6' });
    expect(data).toEqual({ amount9: '0.05元', number8: '0.007kWh', thing7: '科技园快充站', date6: '2026-11-30 00:05' });
  });

  it('opens the order of that session', () => {
    expect(billNoticePage('s-1')).toBe('pages/order/detail/index?id=s-1');
  });
});
