import { type PileProvisioning, pileProvisioning } from '../device-protocol/provisioning';
import type { PileTopics } from '../device-protocol/topics';

/** What a pile is commissioned with, derived when asked and never stored (docs/device-protocol.md, "Authentication"). */
export interface PileCommissioning {
  /** The link its QR code encodes: the mini-program's scan page reads the code from the last path segment. */
  qrLink(code: string): string;
  /** Its MQTT account and command-signing key; undefined when this API node has no PILE_MASTER_KEY. */
  credentials(pileId: string): PileProvisioning | undefined;
}

export function pileCommissioning(options: { masterKey?: string; topics: PileTopics; qrBaseUrl: string }): PileCommissioning {
  const { masterKey, topics, qrBaseUrl } = options;
  return {
    qrLink: (code) => `${qrBaseUrl}/${encodeURIComponent(code)}`,
    credentials: (pileId) => (masterKey ? pileProvisioning(masterKey, pileId, topics) : undefined),
  };
}
