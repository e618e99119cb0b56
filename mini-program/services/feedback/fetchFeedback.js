const api = require('../../utils/api');

function fetchFeedback(feedbackId) {
  return api.get(`/feedback/${encodeURIComponent(feedbackId)}`);
}

module.exports = { fetchFeedback };
