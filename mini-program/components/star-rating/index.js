/** One to five stars; read-only, or tappable (fires `change` with `{value}`). */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    value: { type: Number, value: 0 },
    readonly: { type: Boolean, value: false },
    size: { type: String, value: 'normal' },
  },
  data: { stars: [1, 2, 3, 4, 5] },
  methods: {
    onPick(event) {
      if (this.data.readonly) return;
      const value = Number(event.currentTarget.dataset.value);
      this.setData({ value });
      this.triggerEvent('change', { value });
    },
  },
});
