/**
 * One station in a list: name, distance, idle/total piles by type, the price now. Tapping it fires `open`,
 * the navigate button fires `navigate`; both with `{station}`.
 */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    station: { type: Object, value: null },
    selected: { type: Boolean, value: false },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', { station: this.data.station });
    },
    onNavigate() {
      this.triggerEvent('navigate', { station: this.data.station });
    },
  },
});
