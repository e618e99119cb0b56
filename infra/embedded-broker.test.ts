import { pileTopics } from '../device-protocol/topics';
import { describeBrokerAccess } from '../test/support/broker-access';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker';

const masterKey = 'embedded-broker-test-master-key-0123456789';
const topics = pileTopics('test-prefix/evcp');
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startEmbeddedBroker({ port: 0, masterKey, topics });
});
afterAll(() => broker.close());

describe('the embedded broker authenticates every client and confines it to its account', () => {
  describeBrokerAccess(() => ({ url: broker.url, masterKey, topics, sharedGroup: '' }));
});
