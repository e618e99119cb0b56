const { fetchFeedback } = require('../../../services/feedback/fetchFeedback');
const { replyFeedback } = require('../../../services/feedback/replyFeedback');
const { closeFeedback } = require('../../../services/feedback/closeFeedback');
const { presentFeedback } = require('../../../presenters/feedback');
const { confirm } = require('../../../utils/dialog');
const { showError } = require('../../../utils/toast');

/** One complaint or suggestion: the conversation with support, a follow-up, closing it. */
Component({
  data: { feedbackId: '', item: null, followUp: '', sending: false },
  methods: {
    async onLoad(query) {
      this.setData({ feedbackId: query.id });
      try {
        this.show(await fetchFeedback(query.id));
      } catch (error) {
        showError(error);
      }
    },

    show(item) {
      this.setData({ item: presentFeedback(item) });
    },

    onInput(event) {
      this.setData({ followUp: event.detail.value });
    },

    async onSend() {
      const content = this.data.followUp.trim();
      if (!content) return;
      this.setData({ sending: true });
      try {
        this.show(await replyFeedback(this.data.feedbackId, content));
        this.setData({ followUp: '' });
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ sending: false });
      }
    },

    async onClose() {
      if (!(await confirm({ title: '关闭反馈', content: '问题已解决？关闭后仍可查看记录。', confirmText: '关闭' }))) return;
      try {
        this.show(await closeFeedback(this.data.feedbackId));
      } catch (error) {
        showError(error);
      }
    },
  },
});
