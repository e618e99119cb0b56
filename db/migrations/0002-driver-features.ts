import { DataTypes, type QueryInterface } from 'sequelize';

/** Driver features behind the mini-program: favourite stations, vehicles, reviews, complaints and suggestions, WeChat Pay orders. */
const id36 = { type: DataTypes.STRING(36), allowNull: false };
const id64 = { type: DataTypes.STRING(64), allowNull: false };
const at = () => ({ type: DataTypes.DATE(3), allowNull: false });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('favourite_stations', {
    user_id: { ...id36, primaryKey: true },
    station_id: { ...id64, primaryKey: true },
    created_at: at(),
  });
  await qi.createTable('vehicles', {
    id: { ...id36, primaryKey: true },
    user_id: id36,
    plate: { type: DataTypes.STRING(16), allowNull: false },
    model: { type: DataTypes.STRING(100), allowNull: false },
    connector_type: { type: DataTypes.STRING(16), allowNull: false },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('vehicles', ['user_id', 'plate'], { unique: true });
  await qi.createTable('reviews', {
    id: { ...id36, primaryKey: true },
    session_id: { ...id36, unique: true },
    user_id: id36,
    station_id: id64,
    stars: { type: DataTypes.INTEGER, allowNull: false },
    text: { type: DataTypes.STRING(500), allowNull: false },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('reviews', ['station_id', 'created_at']);
  await qi.addIndex('reviews', ['user_id', 'created_at']);
  await qi.createTable('feedback', {
    id: { ...id36, primaryKey: true },
    user_id: id36,
    kind: { type: DataTypes.STRING(16), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    content: { type: DataTypes.STRING(1000), allowNull: false },
    station_id: { type: DataTypes.STRING(64), allowNull: true },
    session_id: { type: DataTypes.STRING(36), allowNull: true },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('feedback', ['user_id', 'created_at']);
  await qi.addIndex('feedback', ['status', 'updated_at']);
  await qi.createTable('feedback_replies', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    feedback_id: id36,
    author_id: id36,
    author_role: { type: DataTypes.STRING(16), allowNull: false },
    content: { type: DataTypes.STRING(1000), allowNull: false },
    created_at: at(),
  });
  await qi.addIndex('feedback_replies', ['feedback_id', 'id']);
  await qi.createTable('wechat_pay_orders', {
    out_trade_no: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
    user_id: id36,
    amount_fen: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    prepay_id: { type: DataTypes.STRING(64), allowNull: true },
    transaction_id: { type: DataTypes.STRING(32), allowNull: true },
    idempotency_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    created_at: at(),
    updated_at: at(),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of ['wechat_pay_orders', 'feedback_replies', 'feedback', 'reviews', 'vehicles', 'favourite_stations']) await qi.dropTable(table);
}
