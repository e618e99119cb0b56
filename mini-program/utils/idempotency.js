/** A key that makes a POST safe to repeat: keep it while the same request is retried, take a new one for a new request. */
function newIdempotencyKey() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

module.exports = { newIdempotencyKey };
