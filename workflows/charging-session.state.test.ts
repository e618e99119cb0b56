import { aSessionInput } from '../test/support/builders';
import { SessionState } from './charging-session.state';

const local = (time: string) => Date.parse(`2026-03-02T${time}:00+08:00`);
const MINUTE = 60_000;

/** A session charging at 60 kW since `pileStart` on the pile's clock, taken in by the workflow from `workflowStart`. */
function chargingFor(minutes: number, pileStart: number, workflowStart: number, limits = { maxAmountFen: 3000 }) {
  const s = new SessionState(aSessionInput({ limits }), workflowStart);
  s.opened();
  s.preauthorized(20_000);
  s.movedTo('STARTING');
  s.admitted();
  s.chargingStarted({ at: pileStart, meterStartWh: 0 }, workflowStart);
  s.movedTo('CHARGING');
  s.checkpoint({ at: pileStart + minutes * MINUTE, meterWh: minutes * 1000, powerW: 60_000 }, workflowStart + minutes * MINUTE);
  return s;
}

describe('the session state', () => {
  describe('look-ahead of the money limits', () => {
    it('prices the next interval by the pile’s clock, whatever the workflow’s clock says', () => {
      // 15 kWh in the peak (190 fen/kWh) cost 2850 fen; one more peak minute reaches the driver's 3000 fen. The
      // workflow's clock reads the next night's valley (a pile clock may lag the platform's, never lead it).
      const nextNight = Date.parse('2026-03-03T03:00:00+08:00');
      const s = chargingFor(15, local('10:00'), nextNight);
      expect(s.costFen).toBe(2850);
      expect(s.chargingEndReason(nextNight + 15 * MINUTE)).toBe('TARGET_AMOUNT_REACHED');
    });

    it('prices an interval that crosses into a dearer band at the dearer price', () => {
      // 15 kWh in the valley (75 fen/kWh) cost 1125 fen by 07:59:30; the next minute ends in the peak.
      const halfPast = local('07:44') + 30_000;
      const s = chargingFor(15, halfPast, halfPast, { maxAmountFen: 1125 + 150 });
      expect(s.costFen).toBe(1125);
      expect(s.chargingEndReason(halfPast + 15 * MINUTE)).toBe('TARGET_AMOUNT_REACHED');
    });
  });

  describe('acknowledgements', () => {
    const signed = () => {
      const s = new SessionState(aSessionInput(), 0);
      const nonce = s.nonceFor('s1:start', () => 'the-signed-nonce-0001');
      return { s, nonce };
    };

    it('takes in the ack that echoes the nonce the session signed', () => {
      const { s, nonce } = signed();
      expect(s.acknowledge({ commandId: 's1:start', nonce, accepted: false })).toBe(true);
      expect(s.ackOf('s1:start')).toMatchObject({ accepted: false });
    });

    it.each([
      ['a forged nonce', { nonce: 'a-forged-nonce-00000001' }],
      ['no nonce', {}],
    ])('ignores an ack with %s', (_, echoed) => {
      const { s } = signed();
      expect(s.acknowledge({ commandId: 's1:start', accepted: false, ...echoed })).toBe(false);
      expect(s.ackOf('s1:start')).toBeUndefined();
    });

    it('ignores an ack of a command it never signed', () => {
      const { s } = signed();
      expect(s.acknowledge({ commandId: 's1:stop', nonce: 'the-signed-nonce-0001', accepted: false })).toBe(false);
    });

    it('keeps the nonce of a command that is sent again', () => {
      const { s, nonce } = signed();
      expect(s.nonceFor('s1:start', () => 'another-draw-00000001')).toBe(nonce);
    });
  });

  describe('transitions', () => {
    it('refuses a move the state machine does not allow, and stays where it was', () => {
      const s = new SessionState(aSessionInput({ reserve: true }), 0);
      s.opened();
      expect(() => s.movedTo('CHARGING')).toThrow('a session cannot go from RESERVED to CHARGING');
      expect(s.status).toBe('RESERVED');
    });

    it('numbers each transition after the opening one', () => {
      const s = new SessionState(aSessionInput(), 0);
      s.opened();
      expect(s.movedTo('STARTING')).toEqual({ from: 'AUTHORIZING', seq: 2 });
    });
  });

  describe('stop requests', () => {
    const staff = { userId: 'op-1', role: 'operator', reason: 'cable damaged' };

    it('ends a staff stop STAFF_STOPPED, flagged for review with who and why', () => {
      const s = chargingFor(5, local('10:00'), local('10:00'));
      s.stopRequestedBy(staff);
      expect(s.chargingEndReason(local('10:05'))).toBe('STAFF_STOPPED');
      expect(s.view('')).toMatchObject({ needsReview: true, reviewReason: 'stopped by operator op-1: cable damaged' });
    });

    it('keeps a driver’s stop the driver’s when staff ask after them', () => {
      const s = chargingFor(5, local('10:00'), local('10:00'));
      s.stopRequestedBy(undefined);
      s.stopRequestedBy(staff);
      expect(s.chargingEndReason(local('10:05'))).toBe('DRIVER_STOPPED');
      expect(s.view('').needsReview).toBe(false);
    });
  });

  describe('continue-as-new', () => {
    it('resumes from its snapshot with the same view and limits', () => {
      const s = chargingFor(15, local('10:00'), local('10:00'));
      const resumed = SessionState.resume(s.input, JSON.parse(JSON.stringify(s.snapshot())));
      expect(resumed.view('')).toEqual(s.view(''));
      expect(resumed.chargingEndReason(local('10:15'))).toBe(s.chargingEndReason(local('10:15')));
      expect(resumed.wantsAttention).toBe(true);
    });
  });
});
