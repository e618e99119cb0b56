/** The payment reconciliation's contract: its workflow type and the daily schedule that runs it. */
export const RECONCILIATION_WORKFLOW = 'reconcilePayments';
export const RECONCILIATION_SCHEDULE_ID = 'reconcile-payments-daily';
/** WeChat Pay's bills of a day are ready from about 10:00 the next morning, China time. */
export const RECONCILIATION_LOCAL_TIME = { hour: 10, minute: 30 };
export const CHINA_TIME_ZONE = 'Asia/Shanghai';
