const { renderComponent } = require('../support/render');
const { presentBill } = require('../../presenters/bill');
const { presentPriceTable } = require('../../presenters/station');
const { aBill, TARIFF } = require('../support/api-bodies');

describe('bill-detail', () => {
  it('shows each tariff band, the fees, and what was paid and refunded', () => {
    const bill = renderComponent('bill-detail', { bill: presentBill(aBill({ idleMinutes: 4, idleFeeFen: 200, totalFen: 2480, capturedFen: 2480, releasedFen: 2520 })) });
    const text = bill.dom.textContent.replace(/\s+/g, '');
    expect(text).toContain('peak·¥1.90');
    expect(text).toContain('12.00');
    expect(text).toContain('¥13.20');
    expect(text).toContain('¥9.60');
    expect(text).toContain('（4分钟）');
    expect(text).toContain('实付¥24.80');
    expect(text).toContain('退回余额¥25.20');
    expect(text).not.toContain('待补缴');
  });

  it('says what is left uncollected above the hold', () => {
    const bill = renderComponent('bill-detail', { bill: presentBill(aBill({ totalFen: 5300, capturedFen: 5000, releasedFen: 0, uncollectedFen: 300 })) });
    expect(bill.dom.textContent).toContain('¥3.00');
    expect(bill.dom.textContent).toContain('待补缴');
  });
});

describe('price-table', () => {
  it("marks the band in force in the station's time zone", () => {
    const nineAmShanghai = Date.UTC(2030, 0, 1, 1, 0);
    const table = renderComponent('price-table', { rows: presentPriceTable(TARIFF, nineAmShanghai) });
    const current = table.querySelectorAll('.price-current');
    expect(current).toHaveLength(1);
    expect(current[0].dom.textContent).toContain('08:00-18:00');
    expect(current[0].dom.textContent).toContain('1.90');
  });
});
