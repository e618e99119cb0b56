import { DataTypes, type QueryInterface } from 'sequelize';

/** Frozen schema of the first release; later changes come as new migrations, never edits here. */
const id36 = { type: DataTypes.STRING(36), allowNull: false };
const id64 = { type: DataTypes.STRING(64), allowNull: false };
const fen = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const text = (allowNull: boolean) => ({ type: DataTypes.TEXT, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('users', {
    id: { ...id36, primaryKey: true },
    name: { type: DataTypes.STRING(100), allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false },
    wechat_open_id: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    created_at: at(),
    updated_at: at(),
  });
  await qi.createTable('wallets', {
    user_id: { ...id36, primaryKey: true },
    balance_fen: fen,
    held_fen: fen,
    updated_at: at(),
  });
  await qi.createTable('wallet_transactions', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    user_id: id36,
    kind: { type: DataTypes.STRING(16), allowNull: false },
    amount_fen: fen,
    balance_after_fen: fen,
    held_after_fen: fen,
    session_id: { type: DataTypes.STRING(36), allowNull: true },
    top_up_id: { type: DataTypes.STRING(36), allowNull: true },
    idempotency_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    created_at: at(),
  });
  await qi.addIndex('wallet_transactions', ['user_id', 'created_at']);
  await qi.createTable('top_ups', {
    id: { ...id36, primaryKey: true },
    user_id: id36,
    amount_fen: fen,
    provider: { type: DataTypes.STRING(32), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    provider_ref: { type: DataTypes.STRING(128), allowNull: true },
    idempotency_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    created_at: at(),
    updated_at: at(),
  });
  await qi.createTable('payment_holds', {
    session_id: { ...id36, primaryKey: true },
    user_id: id36,
    amount_fen: fen,
    status: { type: DataTypes.STRING(16), allowNull: false },
    captured_fen: fen,
    released_fen: fen,
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('payment_holds', ['status']);
  await qi.createTable('tariffs', {
    id: { ...id64, primaryKey: true },
    definition: text(false),
    created_at: at(),
    updated_at: at(),
  });
  await qi.createTable('stations', {
    id: { ...id64, primaryKey: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    address: { type: DataTypes.STRING(500), allowNull: false },
    lat: { type: DataTypes.DOUBLE, allowNull: false },
    lng: { type: DataTypes.DOUBLE, allowNull: false },
    opening_hours: { type: DataTypes.STRING(100), allowNull: false },
    tariff_id: id64,
    created_at: at(),
    updated_at: at(),
  });
  await qi.createTable('piles', {
    id: { ...id64, primaryKey: true },
    code: { ...id64, unique: true },
    station_id: id64,
    type: { type: DataTypes.STRING(8), allowNull: false },
    max_power_w: { type: DataTypes.INTEGER, allowNull: false },
    connector_type: { type: DataTypes.STRING(32), allowNull: false },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('piles', ['station_id']);
  await qi.createTable('pile_claims', {
    pile_id: { ...id64, primaryKey: true },
    session_id: { ...id36, unique: true },
    created_at: at(),
  });
  await qi.createTable('charging_sessions', {
    id: { ...id36, primaryKey: true },
    user_id: id36,
    pile_id: id64,
    station_id: id64,
    status: { type: DataTypes.STRING(24), allowNull: false },
    status_seq: { type: DataTypes.INTEGER, allowNull: false },
    workflow_id: { type: DataTypes.STRING(100), allowNull: false },
    limits: text(false),
    tariff: text(false),
    reserved_until: at(true),
    held_fen: { type: DataTypes.INTEGER, allowNull: true },
    meter_start_wh: { type: DataTypes.INTEGER, allowNull: true },
    meter_stop_wh: { type: DataTypes.INTEGER, allowNull: true },
    energy_wh: { type: DataTypes.INTEGER, allowNull: true },
    started_at: at(true),
    stopped_at: at(true),
    ended_at: at(true),
    end_reason: { type: DataTypes.STRING(40), allowNull: true },
    needs_review: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    review_reason: { type: DataTypes.STRING(200), allowNull: true },
    bill: text(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('charging_sessions', ['user_id', 'created_at']);
  await qi.addIndex('charging_sessions', ['status']);
  await qi.addIndex('charging_sessions', ['pile_id', 'created_at']);
  await qi.createTable('session_events', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    session_id: id36,
    seq: { type: DataTypes.INTEGER, allowNull: false },
    from_status: { type: DataTypes.STRING(24), allowNull: true },
    to_status: { type: DataTypes.STRING(24), allowNull: false },
    reason: { type: DataTypes.STRING(200), allowNull: true },
    detail: text(true),
    at: at(),
  });
  await qi.addIndex('session_events', ['session_id', 'seq'], { unique: true });
  await qi.createTable('orders', {
    id: { ...id36, primaryKey: true },
    session_id: { ...id36, unique: true },
    user_id: id36,
    station_id: id64,
    pile_id: id64,
    energy_wh: { type: DataTypes.INTEGER, allowNull: false },
    total_fen: fen,
    captured_fen: fen,
    released_fen: fen,
    uncollected_fen: fen,
    bill: text(false),
    created_at: at(),
  });
  await qi.addIndex('orders', ['user_id', 'created_at']);
  await qi.createTable('alarms', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    pile_id: id64,
    kind: { type: DataTypes.STRING(16), allowNull: false },
    code: { type: DataTypes.STRING(64), allowNull: false },
    message: { type: DataTypes.STRING(500), allowNull: true },
    raised_at: at(),
    cleared_at: at(true),
  });
  await qi.addIndex('alarms', ['pile_id', 'cleared_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of ['alarms', 'orders', 'session_events', 'charging_sessions', 'pile_claims', 'piles', 'stations', 'tariffs', 'payment_holds', 'top_ups', 'wallet_transactions', 'wallets', 'users']) {
    await qi.dropTable(table);
  }
}
