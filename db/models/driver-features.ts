import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { id36, tableOptions, timestamp } from './columns';
import type { Role } from './users';

class FavouriteStationRow extends Model<InferAttributes<FavouriteStationRow>, InferCreationAttributes<FavouriteStationRow>> {
  declare userId: string;
  declare stationId: string;
  declare createdAt: CreationOptional<Date>;
}
export type FavouriteStation = FavouriteStationRow;

export const CONNECTOR_TYPES = ['GB/T', 'CCS1', 'CCS2', 'Type 2', 'CHAdeMO', 'NACS'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

class VehicleRow extends Model<InferAttributes<VehicleRow>, InferCreationAttributes<VehicleRow>> {
  declare id: string;
  declare userId: string;
  declare plate: string;
  declare model: string;
  declare connectorType: ConnectorType;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Vehicle = VehicleRow;

/** A driver's rating of one of their completed sessions; the unique session id makes it one per session. */
class ReviewRow extends Model<InferAttributes<ReviewRow>, InferCreationAttributes<ReviewRow>> {
  declare id: string;
  declare sessionId: string;
  declare userId: string;
  declare stationId: string;
  declare stars: number;
  declare text: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Review = ReviewRow;

export const FEEDBACK_KINDS = ['complaint', 'suggestion'] as const;
export const FEEDBACK_STATUSES = ['open', 'replied', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

class FeedbackRow extends Model<InferAttributes<FeedbackRow>, InferCreationAttributes<FeedbackRow>> {
  declare id: string;
  declare userId: string;
  declare kind: (typeof FEEDBACK_KINDS)[number];
  declare status: FeedbackStatus;
  declare content: string;
  declare stationId: string | null;
  declare sessionId: string | null;
  /** The staff member looking after it; null: nobody yet. */
  declare assigneeId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type Feedback = FeedbackRow;

class FeedbackReplyRow extends Model<InferAttributes<FeedbackReplyRow>, InferCreationAttributes<FeedbackReplyRow>> {
  declare id: CreationOptional<number>;
  declare feedbackId: string;
  declare authorId: string;
  declare authorRole: Role;
  declare content: string;
  declare createdAt: CreationOptional<Date>;
}
export type FeedbackReply = FeedbackReplyRow;

/** What drivers keep beside their sessions: favourite stations, vehicles, reviews, complaints and suggestions. */
export function defineDriverFeatureModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class FavouriteStation extends FavouriteStationRow {}
  FavouriteStation.init(
    { userId: { ...id36(), primaryKey: true }, stationId: { type: DataTypes.STRING(64), primaryKey: true }, createdAt: timestamp() },
    { ...common, tableName: 'favourite_stations', updatedAt: false },
  );
  class Vehicle extends VehicleRow {}
  Vehicle.init(
    {
      id: { ...id36(), primaryKey: true },
      userId: id36(),
      plate: { type: DataTypes.STRING(16), allowNull: false },
      model: { type: DataTypes.STRING(100), allowNull: false },
      connectorType: { type: DataTypes.STRING(16), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'vehicles', indexes: [{ unique: true, fields: ['user_id', 'plate'] }] },
  );
  class Review extends ReviewRow {}
  Review.init(
    {
      id: { ...id36(), primaryKey: true },
      sessionId: { ...id36(), unique: true },
      userId: id36(),
      stationId: { type: DataTypes.STRING(64), allowNull: false },
      stars: { type: DataTypes.INTEGER, allowNull: false },
      text: { type: DataTypes.STRING(500), allowNull: false },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'reviews' },
  );
  class Feedback extends FeedbackRow {}
  Feedback.init(
    {
      id: { ...id36(), primaryKey: true },
      userId: id36(),
      kind: { type: DataTypes.STRING(16), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      content: { type: DataTypes.STRING(1000), allowNull: false },
      stationId: { type: DataTypes.STRING(64), allowNull: true },
      sessionId: { type: DataTypes.STRING(36), allowNull: true },
      assigneeId: { type: DataTypes.STRING(36), allowNull: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'feedback' },
  );
  class FeedbackReply extends FeedbackReplyRow {}
  FeedbackReply.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      feedbackId: id36(),
      authorId: id36(),
      authorRole: { type: DataTypes.STRING(16), allowNull: false },
      content: { type: DataTypes.STRING(1000), allowNull: false },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'feedback_replies', updatedAt: false },
  );
  Feedback.hasMany(FeedbackReply, { foreignKey: 'feedbackId', as: 'replies' });
  return { FavouriteStation, Vehicle, Review, Feedback, FeedbackReply };
}
