const { createReview } = require('../../../services/review/createReview');
const { showError, showDone } = require('../../../utils/toast');

/** Review a completed session: stars and a few words. */
Component({
  data: { sessionId: '', stars: 0, text: '', error: '', sending: false },
  methods: {
    onLoad(query) {
      this.setData({ sessionId: query.sessionId });
    },

    onStars(event) {
      this.setData({ stars: event.detail.value, error: '' });
    },

    onInput(event) {
      this.setData({ text: event.detail.value });
    },

    async onSubmit() {
      const { sessionId, stars, text } = this.data;
      if (!stars) {
        this.setData({ error: '请先打分' });
        return;
      }
      this.setData({ sending: true });
      try {
        await createReview({ sessionId, stars, text: text.trim() });
        showDone('感谢评价');
        wx.navigateBack();
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ sending: false });
      }
    },
  },
});
