import type { BillNotices } from './ports';

/** The bill notice workflow's one activity. */
export function createBillNoticeActivities({ bills }: { bills: BillNotices }) {
  return {
    sendBillNotice: (sessionId: string): Promise<string> => bills.send(sessionId),
  };
}

export type BillNoticeActivities = ReturnType<typeof createBillNoticeActivities>;
