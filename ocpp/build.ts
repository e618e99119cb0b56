import type { Client } from '@temporalio/client';
import { DriverAccounts } from '../db/driver-accounts';
import { IdTags } from '../db/id-tags';
import { OcppTransactions } from '../db/ocpp-transactions';
import { SessionRequestKeys } from '../db/session-request-keys';
import { StationDirectory } from '../db/stations';
import type { SessionPolicy } from '../workflows/charging-session.messages';
import { LocalStarts } from './local-starts';
import { PileRegistry } from '../db/pile-registry';
import { StationPowerCaps } from '../db/station-power-caps';
import type { Database } from '../db/database';
import type { GatewayContext } from '../device-gateway/context';
import { PilePresence } from '../device-gateway/presence';
import type { OcppContext } from './context';

/** The central system's context over the gateway's: the same facts, handled the same way, plus OCPP's transactions. */
export function buildOcppContext(deps: {
  gateway: GatewayContext;
  db: Database;
  heartbeatIntervalS: number;
  heartbeatTimeoutMs: number;
  /** Where sessions a card starts at a charger run, and with what policy (docs/ocpp.md, "RFID cards"). */
  sessions: { temporal: Client; taskQueue: string; policy: SessionPolicy };
}): OcppContext {
  const { db, gateway } = deps;
  return {
    gateway: deps.gateway,
    presence: new PilePresence(deps.gateway, { heartbeatTimeoutMs: deps.heartbeatTimeoutMs }),
    transactions: new OcppTransactions(deps.db),
    chargers: new PileRegistry({ db: deps.db }),
    caps: new StationPowerCaps(deps.db),
    localStarts: new LocalStarts({
      ...deps.sessions,
      idTags: new IdTags(db),
      requestKeys: new SessionRequestKeys(db),
      stations: new StationDirectory({ db, hot: gateway.hot }),
      accounts: new DriverAccounts(db),
    }),
    heartbeatIntervalS: deps.heartbeatIntervalS,
  };
}
