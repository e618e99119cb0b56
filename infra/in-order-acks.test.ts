import { InOrderAcks } from './in-order-acks';

function acksSentBy() {
  const sent: number[] = [];
  return { sent, acks: new InOrderAcks<number>((id) => sent.push(id)) };
}

it('acknowledges a message as soon as it is settled when nothing earlier is waiting', () => {
  const { sent, acks } = acksSentBy();
  acks.expect(1)();
  acks.expect(2)();
  expect(sent).toEqual([1, 2]);
});

it('holds a later message back until every earlier one is settled, then sends them in arrival order', () => {
  const { sent, acks } = acksSentBy();
  const [first, second, third] = [7, 3, 5].map((id) => acks.expect(id));
  third();
  second();
  expect(sent).toEqual([]);
  first();
  expect(sent).toEqual([7, 3, 5]);
});

it('sends only what is settled when an earlier message is released', () => {
  const { sent, acks } = acksSentBy();
  const [first, second, third] = [1, 2, 3].map((id) => acks.expect(id));
  second();
  first();
  expect(sent).toEqual([1, 2]);
  third();
  expect(sent).toEqual([1, 2, 3]);
});

it('acknowledges a message settled twice once', () => {
  const { sent, acks } = acksSentBy();
  const settle = acks.expect(9);
  settle();
  settle();
  expect(sent).toEqual([9]);
});

it('acknowledges a message id used again after its first use was acknowledged (the broker reuses ids)', () => {
  const { sent, acks } = acksSentBy();
  acks.expect(4)();
  const again = acks.expect(4);
  expect(sent).toEqual([4]);
  again();
  expect(sent).toEqual([4, 4]);
});
