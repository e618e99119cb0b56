import { Op } from 'sequelize';
import type { Database } from './database';
import type { Alarm, AlarmKind } from './models';

/** Operator alarms: at most one open alarm per pile and kind. */
export class AlarmLog {
  constructor(private readonly db: Database) {}

  async raise(pileId: string, kind: AlarmKind, code: string, message: string, at: Date): Promise<boolean> {
    const { Alarm } = this.db.models;
    const open = await Alarm.findOne({ where: { pileId, kind, clearedAt: null } });
    if (open) return false;
    await Alarm.create({ pileId, kind, code, message, raisedAt: at, clearedAt: null });
    return true;
  }

  async clear(pileId: string, kind: AlarmKind, at: Date): Promise<void> {
    await this.db.models.Alarm.update({ clearedAt: at }, { where: { pileId, kind, clearedAt: null } });
  }

  async open(filter: { pileIds?: string[] } = {}): Promise<Alarm[]> {
    return this.db.models.Alarm.findAll({
      where: { clearedAt: null, ...(filter.pileIds ? { pileId: { [Op.in]: filter.pileIds } } : {}) },
      order: [['raisedAt', 'DESC']],
      limit: 500,
    });
  }

  /** How many alarms of this kind are open now. */
  countOpen(kind: AlarmKind): Promise<number> {
    return this.db.models.Alarm.count({ where: { kind, clearedAt: null } });
  }

  /** Every alarm of a pile, open or cleared, oldest first. */
  ofPile(pileId: string): Promise<Alarm[]> {
    return this.db.models.Alarm.findAll({ where: { pileId }, order: [['id', 'ASC']] });
  }
}
