/** Today's time-of-use prices (yuan per kWh), the band in force now highlighted. Rows from presenters/station. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    rows: { type: Array, value: [] },
  },
});
