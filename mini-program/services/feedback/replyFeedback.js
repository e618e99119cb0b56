const api = require('../../utils/api');

/** My follow-up on a complaint or suggestion. */
function replyFeedback(feedbackId, content) {
  return api.post(`/feedback/${encodeURIComponent(feedbackId)}/replies`, { content });
}

module.exports = { replyFeedback };
