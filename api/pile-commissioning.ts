import { OCPP_ENDPOINT_PATH, OCPP_SUBPROTOCOL, deriveOcppPassword } from '../device-protocol/ocpp';
import { type PileProvisioning, pileProvisioning } from '../device-protocol/provisioning';
import type { PileTopics } from '../device-protocol/topics';

/** What an OCPP 1.6J charger is configured with: its identity, where it connects and its Basic-auth password (docs/ocpp.md). */
export interface OcppProvisioning {
  chargePointId: string;
  /** Appended to the central system's address (ws(s)://host:OCPP_PORT). */
  endpointPath: string;
  subprotocol: string;
  /** Security profile 1/2: HTTP Basic, username = chargePointId. */
  basicAuthUsername: string;
  basicAuthPassword: string;
}

/** What a pile is commissioned with, derived when asked and never stored (docs/device-protocol.md, "Authentication"). */
export interface PileCommissioning {
  /** The link its QR code encodes: the mini-program's scan page reads the code from the last path segment. */
  qrLink(code: string): string;
  /** Its MQTT account and command-signing key; undefined when this API node has no PILE_MASTER_KEY. */
  credentials(pileId: string): PileProvisioning | undefined;
  /** An OCPP charger's connection settings; undefined when this API node has no PILE_MASTER_KEY. */
  ocppCredentials(pileId: string): OcppProvisioning | undefined;
}

export function pileCommissioning(options: { masterKey?: string; topics: PileTopics; qrBaseUrl: string }): PileCommissioning {
  const { masterKey, topics, qrBaseUrl } = options;
  return {
    qrLink: (code) => `${qrBaseUrl}/${encodeURIComponent(code)}`,
    credentials: (pileId) => (masterKey ? pileProvisioning(masterKey, pileId, topics) : undefined),
    ocppCredentials: (pileId) =>
      masterKey
        ? {
            chargePointId: pileId,
            endpointPath: `${OCPP_ENDPOINT_PATH}/${encodeURIComponent(pileId)}`,
            subprotocol: OCPP_SUBPROTOCOL,
            basicAuthUsername: pileId,
            basicAuthPassword: deriveOcppPassword(masterKey, pileId),
          }
        : undefined,
  };
}
