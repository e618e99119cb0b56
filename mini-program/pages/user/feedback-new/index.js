const { submitFeedback } = require('../../../services/feedback/submitFeedback');
const { showError, showDone } = require('../../../utils/toast');

/** A new complaint or suggestion; opened from an order it is about that order and its station. */
Component({
  data: {
    kind: 'complaint',
    content: '',
    stationId: '',
    sessionId: '',
    error: '',
    sending: false,
  },
  methods: {
    onLoad(query) {
      this.setData({ stationId: query.stationId || '', sessionId: query.sessionId || '' });
    },

    onPickKind(event) {
      this.setData({ kind: event.currentTarget.dataset.kind });
    },

    onInput(event) {
      this.setData({ content: event.detail.value, error: '' });
    },

    async onSubmit() {
      const { kind, content, stationId, sessionId } = this.data;
      if (!content.trim()) {
        this.setData({ error: '请写下你遇到的问题或建议' });
        return;
      }
      this.setData({ sending: true });
      try {
        await submitFeedback({ kind, content: content.trim(), stationId: stationId || undefined, sessionId: sessionId || undefined });
        showDone('已提交');
        wx.navigateBack();
      } catch (error) {
        if (error.field === 'content') this.setData({ error: error.message });
        else showError(error);
      } finally {
        this.setData({ sending: false });
      }
    },
  },
});
