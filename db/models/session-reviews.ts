import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { id36, tableOptions, timestamp } from './columns';

/** What staff decided about a session flagged for review: accept it, refund part or all of its order, or hand it on. */
export const REVIEW_DECISIONS = ['approve', 'adjust', 'escalate'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Where a session's review stands (`charging_sessions.review_state`); null until a first decision. */
export const REVIEW_STATES = ['resolved', 'escalated'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** One staff decision on a session (migration 0010); rows are only ever inserted. */
class SessionReviewRow extends Model<InferAttributes<SessionReviewRow>, InferCreationAttributes<SessionReviewRow>> {
  declare id: string;
  declare sessionId: string;
  /** The driver whose order it is. */
  declare userId: string;
  declare decision: ReviewDecision;
  declare refundFen: number | null;
  /** The session id on the one decision that refunded its order (unique): the at-most-once guarantee. */
  declare refundSessionId: string | null;
  declare note: string;
  declare staffId: string;
  declare staffName: string;
  declare staffRole: string;
  declare createdAt: CreationOptional<Date>;
}
export type SessionReview = SessionReviewRow;

export function defineSessionReviewModels(sequelize: Sequelize) {
  class SessionReview extends SessionReviewRow {}
  SessionReview.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      sessionId: id36(),
      userId: id36(),
      decision: { type: DataTypes.STRING(16), allowNull: false },
      refundFen: { type: DataTypes.INTEGER, allowNull: true },
      refundSessionId: { type: DataTypes.STRING(36), allowNull: true, unique: true },
      note: { type: DataTypes.STRING(500), allowNull: false },
      staffId: id36(),
      staffName: { type: DataTypes.STRING(100), allowNull: false },
      staffRole: { type: DataTypes.STRING(16), allowNull: false },
      createdAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'session_reviews', updatedAt: false },
  );
  return { SessionReview };
}
