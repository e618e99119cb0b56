import type { Sequelize } from 'sequelize';
import { defineAlarmModels } from './alarms';
import { defineDriverFeatureModels } from './driver-features';
import { defineFleetModels } from './fleet';
import { defineReconciliationModels } from './reconciliation';
import { defineSessionModels } from './sessions';
import { defineStaffModels } from './staff';
import { defineUserModels } from './users';
import { defineWalletModels } from './wallet';
import { defineWeChatPayModels } from './wechat-pay';
import { definePileCommandModels } from './pile-commands';
import { defineSessionReviewModels } from './session-reviews';
import { defineStatsModels } from './stats';
import { defineOcppModels } from './ocpp';
import { defineLedgerModels } from './ledger';
import { definePayscoreModels } from './payscore';

export * from './alarms';
export * from './driver-features';
export * from './fleet';
export * from './reconciliation';
export * from './sessions';
export * from './staff';
export * from './users';
export * from './wallet';
export * from './wechat-pay';
export * from './pile-commands';
export * from './session-reviews';
export * from './stats';
export * from './ocpp';
export * from './ledger';
export * from './payscore';

/**
 * Every model, defined for this Sequelize instance only: two databases can live in one process, and a model
 * works only where it was handed over (repositories get them from their `Database`).
 */
export function defineModels(sequelize: Sequelize) {
  return {
    ...defineUserModels(sequelize),
    ...defineWalletModels(sequelize),
    ...defineFleetModels(sequelize),
    ...defineSessionModels(sequelize),
    ...defineAlarmModels(sequelize),
    ...defineDriverFeatureModels(sequelize),
    ...defineWeChatPayModels(sequelize),
    ...defineReconciliationModels(sequelize),
    ...defineStaffModels(sequelize),
    ...definePileCommandModels(sequelize),
    ...defineSessionReviewModels(sequelize),
    ...defineStatsModels(sequelize),
    ...defineOcppModels(sequelize),
    ...defineLedgerModels(sequelize),
    ...definePayscoreModels(sequelize),
  };
}

export type Models = ReturnType<typeof defineModels>;
