const api = require('../../utils/api');

/** Reviews one of my completed sessions: 1–5 stars and optional text. */
function createReview({ sessionId, stars, text }) {
  return api.post('/reviews', { sessionId, stars, text });
}

module.exports = { createReview };
