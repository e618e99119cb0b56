/** The bill notice's contract: its workflow type and id. */
export const BILL_NOTICE_WORKFLOW = 'pushBillNotice';

export const billNoticeWorkflowId = (sessionId: string) => `bill-notice-${sessionId}`;
