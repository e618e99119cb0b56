import { Op } from 'sequelize';
import { ALARM_KINDS, Alarm } from './models';

type AlarmKind = (typeof ALARM_KINDS)[number];

/** Operator alarms: at most one open alarm per pile and kind. */
export class AlarmLog {
  async raise(pileId: string, kind: AlarmKind, code: string, message: string, at: Date): Promise<boolean> {
    const open = await Alarm.findOne({ where: { pileId, kind, clearedAt: null } });
    if (open) return false;
    await Alarm.create({ pileId, kind, code, message, raisedAt: at, clearedAt: null });
    return true;
  }

  async clear(pileId: string, kind: AlarmKind, at: Date): Promise<void> {
    await Alarm.update({ clearedAt: at }, { where: { pileId, kind, clearedAt: null } });
  }

  async open(filter: { pileIds?: string[] } = {}): Promise<Alarm[]> {
    return Alarm.findAll({
      where: { clearedAt: null, ...(filter.pileIds ? { pileId: { [Op.in]: filter.pileIds } } : {}) },
      order: [['raisedAt', 'DESC']],
      limit: 500,
    });
  }
}
