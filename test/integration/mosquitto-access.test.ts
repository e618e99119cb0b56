import mqtt from 'mqtt';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { mqttTlsOptions } from '../../infra/mqtt';
import { pileTopics } from '../../device-protocol/topics';
import { ACCESS_ACCOUNTS, describeBrokerAccess } from '../support/broker-access';
import { type ShippedMosquitto, startShippedMosquitto } from '../support/shipped-mosquitto';

const masterKey = 'mosquitto-access-test-master-key-0123456789';
const prefix = 'test-prefix/evcp';
let broker: ShippedMosquitto;

beforeAll(async () => {
  broker = await startShippedMosquitto({
    masterKey,
    topicPrefix: prefix,
    piles: ACCESS_ACCOUNTS.piles,
    gateways: [ACCESS_ACCOUNTS.gateway],
    commandSenders: [ACCESS_ACCOUNTS.commands],
  });
}, 30_000);

afterAll(() => broker?.stop());

describe('Mosquitto with ops/mosquitto authenticates every client and confines it to its account', () => {
  describeBrokerAccess(() => ({ url: broker.url, masterKey, topics: pileTopics(prefix), sharedGroup: 'evcp-gateway' }));
});

describe('Mosquitto with ops/mosquitto holds clients of its TLS listener to the same rules', () => {
  describeBrokerAccess(() => ({ url: broker.tlsUrl, masterKey, topics: pileTopics(prefix), sharedGroup: 'evcp-gateway', connectOptions: mqttTlsOptions(broker.caFile) }));
});

describe('Mosquitto with ops/mosquitto speaks TLS with the certificate of ops/scripts/gen-certs.sh', () => {
  const [pileId] = ACCESS_ACCOUNTS.piles;
  const pileOptions = () => ({ protocolVersion: 4 as const, clientId: pileId, ...mqttCredentials(masterKey, { role: 'pile', pileId }), reconnectPeriod: 0 });

  it("lets a pile in over TLS once it has verified the broker's certificate against the CA", async () => {
    const client = await mqtt.connectAsync(broker.tlsUrl, { ...pileOptions(), ...mqttTlsOptions(broker.caFile) });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it("refuses to talk to a broker whose certificate the pile cannot verify", async () => {
    await expect(mqtt.connectAsync(broker.tlsUrl, { ...pileOptions(), ...mqttTlsOptions(undefined) })).rejects.toThrow(/self.signed|unable to verify|certificate/i);
  });
});
