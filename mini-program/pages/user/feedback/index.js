const { fetchFeedbackList } = require('../../../services/feedback/fetchFeedbackList');
const { presentFeedback } = require('../../../presenters/feedback');
const { showError } = require('../../../utils/toast');

/** My complaints and suggestions with their status and the latest reply. */
Component({
  data: { items: [], loaded: false },
  methods: {
    async onShow() {
      try {
        const items = await fetchFeedbackList();
        this.setData({ items: items.map(presentFeedback), loaded: true });
      } catch (error) {
        showError(error);
      }
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/user/feedback-detail/index?id=${event.currentTarget.dataset.id}` });
    },

    onNew() {
      wx.navigateTo({ url: '/pages/user/feedback-new/index' });
    },
  },
});
