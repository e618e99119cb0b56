/** How much to charge: until full, an amount (yuan) or an energy (kWh). Fires `change` with `{mode, value}`. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    error: { type: String, value: '' },
  },
  data: {
    mode: 'full',
    value: '',
    modes: [
      { mode: 'full', text: '充满为止' },
      { mode: 'amount', text: '按金额' },
      { mode: 'energy', text: '按电量' },
    ],
  },
  methods: {
    onPick(event) {
      this.setData({ mode: event.currentTarget.dataset.mode, value: '' });
      this.emit();
    },
    onInput(event) {
      this.setData({ value: event.detail.value });
      this.emit();
    },
    emit() {
      this.triggerEvent('change', { mode: this.data.mode, value: this.data.value });
    },
  },
});
