import { OcppTransactions } from '../db/ocpp-transactions';
import { PileRegistry } from '../db/pile-registry';
import { StationPowerCaps } from '../db/station-power-caps';
import type { Database } from '../db/database';
import type { GatewayContext } from '../device-gateway/context';
import { PilePresence } from '../device-gateway/presence';
import type { OcppContext } from './context';

/** The central system's context over the gateway's: the same facts, handled the same way, plus OCPP's transactions. */
export function buildOcppContext(deps: { gateway: GatewayContext; db: Database; heartbeatIntervalS: number; heartbeatTimeoutMs: number }): OcppContext {
  return {
    gateway: deps.gateway,
    presence: new PilePresence(deps.gateway, { heartbeatTimeoutMs: deps.heartbeatTimeoutMs }),
    transactions: new OcppTransactions(deps.db),
    chargers: new PileRegistry({ db: deps.db }),
    caps: new StationPowerCaps(deps.db),
    heartbeatIntervalS: deps.heartbeatIntervalS,
  };
}
