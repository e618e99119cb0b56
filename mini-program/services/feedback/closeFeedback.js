const api = require('../../utils/api');

function closeFeedback(feedbackId) {
  return api.post(`/feedback/${encodeURIComponent(feedbackId)}/close`);
}

module.exports = { closeFeedback };
