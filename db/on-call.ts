import { DomainError } from '../domain/errors';
import type { Database } from './database';

/** Someone an alarm can reach, and how. */
export interface OnCallPerson {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  wechatOpenId: string | null;
}

/** At most this many people on one station's list. */
export const MAX_ON_CALL = 20;

/**
 * Each station's ordered on-call list (who an alarm reaches first, second, …). Platform alarms have no station: they
 * reach every enabled admin with a phone, by username.
 */
export class OnCallRoster {
  constructor(private readonly db: Database) {}

  /** A station's list as stored, disabled accounts included (the console shows them). */
  async of(stationId: string): Promise<OnCallPerson[]> {
    await this.requireStation(stationId);
    return this.people(stationId, { enabledOnly: false });
  }

  /** Replaces a station's list; every id must be an enabled staff account. */
  async set(stationId: string, staffIds: string[]): Promise<OnCallPerson[]> {
    await this.requireStation(stationId);
    const { StaffAccount, StationOnCall } = this.db.models;
    const known = await StaffAccount.findAll({ where: { userId: staffIds }, attributes: ['userId', 'disabledAt'] });
    const enabled = new Set(known.filter((a) => !a.disabledAt).map((a) => a.userId));
    const missing = staffIds.findIndex((id) => !enabled.has(id));
    if (missing >= 0) throw new DomainError('VALIDATION_FAILED', `staffIds.${missing}: no enabled staff account ${staffIds[missing]}`, { field: `staffIds.${missing}` });
    await this.db.transaction(async (transaction) => {
      await StationOnCall.destroy({ where: { stationId }, transaction });
      await StationOnCall.bulkCreate(staffIds.map((staffId, position) => ({ stationId, position, staffId })), { transaction });
    });
    return this.people(stationId, { enabledOnly: false });
  }

  /** Who an alarm of this station reaches, in order (enabled accounts only); null: a platform alarm, the admins. */
  async recipients(stationId: string | null): Promise<OnCallPerson[]> {
    if (stationId) return this.people(stationId, { enabledOnly: true });
    const { StaffAccount, User } = this.db.models;
    const admins = new Set((await User.findAll({ where: { role: 'admin' }, attributes: ['id'] })).map((u) => u.id));
    const accounts = await StaffAccount.findAll({ where: { userId: [...admins], disabledAt: null }, order: [['username', 'ASC']] });
    return (await this.withNames(accounts.filter((a) => a.phone))).slice(0, MAX_ON_CALL);
  }

  private async people(stationId: string, options: { enabledOnly: boolean }): Promise<OnCallPerson[]> {
    const rows = await this.db.models.StationOnCall.findAll({ where: { stationId }, order: [['position', 'ASC']] });
    const accounts = new Map((await this.db.models.StaffAccount.findAll({ where: { userId: rows.map((r) => r.staffId) } })).map((a) => [a.userId, a]));
    const ordered = rows.flatMap((r) => {
      const account = accounts.get(r.staffId);
      return account && (!options.enabledOnly || !account.disabledAt) ? [account] : [];
    });
    return this.withNames(ordered);
  }

  private async withNames(accounts: { userId: string; username: string; phone?: string | null; wechatOpenId?: string | null }[]): Promise<OnCallPerson[]> {
    const users = new Map((await this.db.models.User.findAll({ where: { id: accounts.map((a) => a.userId) }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]));
    return accounts.map((a) => ({ id: a.userId, username: a.username, name: users.get(a.userId) ?? a.username, phone: a.phone ?? null, wechatOpenId: a.wechatOpenId ?? null }));
  }

  private async requireStation(stationId: string): Promise<void> {
    if (!(await this.db.models.Station.findByPk(stationId, { attributes: ['id'] }))) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
  }
}
