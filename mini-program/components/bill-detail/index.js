/** A settled bill from presenters/bill: energy and fees per tariff band, the fees, and what was paid and refunded. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    bill: { type: Object, value: null },
  },
});
