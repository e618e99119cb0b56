import { type AlarmAction, type AlarmState, recipientAt } from '../domain/alarm-rules';

/** The narrow interfaces the alarm activities use (db/alarm-log.ts, db/on-call.ts, infra/sms, infra/wechat). */
export interface AlarmFacts {
  id: number;
  pileId: string;
  pileCode: string | null;
  stationId: string | null;
  kind: string;
  code: string;
  message: string | null;
  state: AlarmState;
  raisedAt: Date;
  clearedAt: Date | null;
}

export interface AlarmRecords {
  get(id: number): Promise<AlarmFacts>;
  /** false when `onceKey` was written before (the step already happened). */
  addEvent(alarmId: number, actor: null, action: AlarmAction, detail: string | null, at: Date, onceKey?: string): Promise<boolean>;
  hasEvent(onceKey: string): Promise<boolean>;
  setEscalationLevel(id: number, level: number): Promise<void>;
  resolveIfQuiet(id: number, now: Date): Promise<boolean>;
}

export interface OnCallPerson {
  id: string;
  username: string;
  phone: string | null;
  wechatOpenId: string | null;
}

export interface OnCallDirectory {
  /** A station's on-call staff in order; null station: a platform alarm's people (admins with phones). */
  recipients(stationId: string | null): Promise<OnCallPerson[]>;
}

export interface SmsChannel {
  send(phone: string, templateParams: string[]): Promise<unknown>;
}

export interface WeChatChannel {
  send(openId: string, message: { page?: string; data: Record<string, string> }): Promise<void>;
}

export interface AlarmActivityDeps {
  alarms: AlarmRecords;
  onCall: OnCallDirectory;
  /** Unset: not configured, that channel is skipped and the history says so. */
  sms?: SmsChannel;
  wechat?: WeChatChannel;
  settings: { escalationMs: number; quietMs: number };
  clock: () => number;
}

export interface NotifyResult {
  /** Whether someone was told at this level. */
  notified: boolean;
  /** Whether the on-call list has someone after this level (and the alarm still wants escalating). */
  more: boolean;
}

/** `+8613812345678` → `+86138****5678`: enough to tell whose phone, not enough to copy it from the history. */
const maskPhone = (phone: string) => (phone.length > 8 ? `${phone.slice(0, -8)}****${phone.slice(-4)}` : '****');
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);
/** `2026-03-02 10:00` in China time, WeChat's `time` field. */
const chinaTime = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * The alarm workflow's I/O: who is on call, telling them (SMS and WeChat subscribe message), the history rows, and
 * the quiet check. Each notification level happens once: its history row carries a key a retry finds taken.
 */
export function createAlarmActivities({ alarms, onCall, sms, wechat, settings, clock }: AlarmActivityDeps) {
  async function tell(person: OnCallPerson, alarm: AlarmFacts): Promise<string[]> {
    const pile = alarm.pileCode ?? alarm.pileId;
    const lines: string[] = [];
    if (!person.phone) lines.push('SMS skipped: no phone');
    else if (!sms) lines.push('SMS skipped: SMS is not configured (SMS_PROVIDER=none)');
    else {
      try {
        await sms.send(person.phone, [pile, alarm.kind, alarm.code]);
        lines.push(`SMS sent to ${maskPhone(person.phone)}`);
      } catch (error) {
        lines.push(`SMS to ${maskPhone(person.phone)} failed: ${errorText(error)}`);
      }
    }
    if (!person.wechatOpenId) lines.push('WeChat skipped: no openid');
    else if (!wechat) lines.push('WeChat skipped: WeChat subscribe messages are not configured');
    else {
      try {
        await wechat.send(person.wechatOpenId, { data: { thing1: pile, thing2: `${alarm.kind} ${alarm.code}`, time3: chinaTime(alarm.raisedAt) } });
        lines.push('WeChat message sent');
      } catch (error) {
        lines.push(`WeChat message failed: ${errorText(error)}`);
      }
    }
    return lines;
  }

  return {
    async alarmSettings(): Promise<{ escalationMs: number; quietMs: number }> {
      return settings;
    },

    /** Tells the person at `level` of the on-call list (0: first notification, then escalations). */
    async notifyOnCall({ alarmId, level }: { alarmId: number; level: number }): Promise<NotifyResult> {
      const alarm = await alarms.get(alarmId);
      if (alarm.state !== 'open') return { notified: false, more: false };
      const people = await onCall.recipients(alarm.stationId);
      const more = level + 1 < people.length;
      const onceKey = `alarm:${alarmId}:level:${level}`;
      if (await alarms.hasEvent(onceKey)) return { notified: true, more };
      const action: AlarmAction = level === 0 ? 'notified' : 'escalated';
      const person = recipientAt(people, level);
      const now = new Date(clock());
      if (!person) {
        const detail = level === 0 ? (alarm.stationId ? 'nobody is on call for this station' : 'no enabled admin has a phone') : `nobody left on the on-call list after level ${level - 1}`;
        await alarms.addEvent(alarmId, null, action, detail, now, onceKey);
        return { notified: false, more: false };
      }
      const lines = await tell(person, alarm);
      await alarms.addEvent(alarmId, null, action, `level ${level}, ${person.username}: ${lines.join('; ')}`, now, onceKey);
      await alarms.setEscalationLevel(alarmId, level);
      return { notified: true, more };
    },

    /** The alarm's state as its record has it: the workflow starts (or continues) from it, not from signals it may have missed. */
    async alarmStatus({ alarmId }: { alarmId: number }): Promise<{ state: AlarmState; cleared: boolean }> {
      const alarm = await alarms.get(alarmId);
      return { state: alarm.state, cleared: alarm.clearedAt !== null };
    },

    /** Whether the alarm resolved itself (cleared, quiet, never acknowledged) at the workflow's time `at`, and its state now. */
    async resolveIfQuiet({ alarmId, at }: { alarmId: number; at: number }): Promise<{ resolved: boolean; state: AlarmState; cleared: boolean }> {
      const resolved = await alarms.resolveIfQuiet(alarmId, new Date(at));
      const alarm = await alarms.get(alarmId);
      return { resolved, state: alarm.state, cleared: alarm.clearedAt !== null };
    },
  };
}

export type AlarmActivities = ReturnType<typeof createAlarmActivities>;
