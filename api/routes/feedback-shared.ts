import { z } from 'zod';
import type { FeedbackWithReplies } from '../../db/feedback';

export const feedbackContent = z.string().trim().min(1).max(1000);
export const replyBody = z.object({ content: feedbackContent });

/** A complaint or suggestion with its conversation; `from` says who wrote each reply. */
export function feedbackView(f: FeedbackWithReplies) {
  return {
    id: f.id,
    kind: f.kind,
    status: f.status,
    content: f.content,
    stationId: f.stationId,
    sessionId: f.sessionId,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    replies: f.replies.map((r) => ({ id: r.id, from: r.authorRole === 'driver' ? 'driver' : 'support', content: r.content, createdAt: r.createdAt })),
  };
}
