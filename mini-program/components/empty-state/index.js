/** Nothing to show yet, and optionally one thing to do about it (fires `action`). */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    text: { type: String, value: '暂无数据' },
    actionText: { type: String, value: '' },
  },
  methods: {
    onAction() {
      this.triggerEvent('action');
    },
  },
});
