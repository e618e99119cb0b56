const { dateTime } = require('../utils/format');
const { FEEDBACK_KIND } = require('../utils/labels');

/** A complaint or suggestion with its conversation; `lastReply` is what the list shows under it. */
function presentFeedback(item) {
  const replies = item.replies.map((r) => ({ id: r.id, mine: r.from === 'driver', who: r.from === 'driver' ? '我' : '客服', content: r.content, at: dateTime(r.createdAt) }));
  const lastSupportReply = [...replies].reverse().find((r) => !r.mine);
  return {
    id: item.id,
    kindText: FEEDBACK_KIND[item.kind] || item.kind,
    status: item.status,
    content: item.content,
    at: dateTime(item.createdAt),
    replies,
    lastReply: lastSupportReply ? lastSupportReply.content : '',
    closed: item.status === 'closed',
  };
}

module.exports = { presentFeedback };
