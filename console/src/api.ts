/**
 * The console's only data path: typed calls to /api/v1 as written in the API contract (briefs/api-contract.md,
 * issue 11). The token lives in sessionStorage (gone when the tab closes); a 401 sends the user to sign-in.
 */

export type StaffRole = 'operator' | 'support' | 'admin';
export interface StaffUser {
  id: string;
  role: StaffRole;
  name: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

/** An error answer of the API, `{error:{code,message,field?}}`, with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'evcp.console.token';
const USER_KEY = 'evcp.console.user';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  user(): StaffUser | null {
    const raw = sessionStorage.getItem(USER_KEY);
    try {
      return raw ? (JSON.parse(raw) as StaffUser) : null;
    } catch {
      return null;
    }
  },
  save(token: string, user: StaffUser): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

let onUnauthenticated: () => void = () => undefined;
/** The router registers where a 401 leads (the sign-in page). */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, options: { body?: unknown; query?: Query; headers?: Record<string, string> } = {}): Promise<T> {
  const token = session.token();
  const response = await fetch(`/api/v1${withQuery(path, options.query)}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: ApiErrorBody } | undefined)?.error;
    const failure = new ApiError(response.status, error?.code ?? 'INTERNAL', error?.message ?? response.statusText, error?.field);
    // A sign-in attempt's own 401 (wrong password, TOTP needed) is for the sign-in form, not a lost session.
    if (response.status === 401 && token && !path.startsWith('/auth/staff-login')) {
      session.clear();
      onUnauthenticated();
    }
    throw failure;
  }
  return data as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
const post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>('POST', path, { body, headers });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
const seg = encodeURIComponent;

// ---------------------------------------------------------------- staff accounts and auth (existing)

export interface StaffAccount {
  id: string;
  username: string;
  role: StaffRole;
  disabledAt: string | null;
  totpEnabled: boolean;
  phone?: string | null;
  wechatOpenId?: string | null;
  createdAt?: string;
}

export const authApi = {
  signIn: (body: { username: string; password: string; code?: string }) => post<{ token: string; user: StaffUser }>('/auth/staff-login', body),
  enrolTotp: (code?: string) => post<{ otpauthUri?: string; totpEnabled?: boolean }>('/auth/staff-totp', code ? { code } : {}),
};

/** A colleague as every staff member may see them (GET /admin/staff/directory): enabled accounts, names and roles. */
export interface StaffDirectoryEntry {
  id: string;
  username: string;
  role: StaffRole;
}
export const staffApi = {
  list: () => get<{ staff: StaffAccount[] }>('/admin/staff'),
  directory: () => get<{ staff: StaffDirectoryEntry[] }>('/admin/staff/directory'),
  create: (body: { username: string; role: StaffRole; reason?: string }) => post<{ staff: StaffAccount; password: string }>('/admin/staff', body),
  disable: (id: string, reason: string) => post<{ staff: StaffAccount }>(`/admin/staff/${seg(id)}/disable`, { reason }),
  enable: (id: string, reason: string) => post<{ staff: StaffAccount }>(`/admin/staff/${seg(id)}/enable`, { reason }),
  resetPassword: (id: string, body: { reason: string; clearTotp?: boolean }) => post<{ staff: StaffAccount; password: string }>(`/admin/staff/${seg(id)}/reset-password`, body),
  update: (id: string, body: { phone?: string | null; wechatOpenId?: string | null; reason: string }) => patch<{ staff: StaffAccount }>(`/admin/staff/${seg(id)}`, body),
};

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  target: string;
  reason: string | null;
  result: string;
}
export const auditApi = {
  list: (query: { actorId?: string; action?: string; target?: string; from?: string; to?: string; cursor?: number; limit?: number }) =>
    get<{ entries: AuditEntry[]; nextCursor?: number }>('/admin/audit', query),
};

// ---------------------------------------------------------------- fleet: tariffs, stations, piles

export interface TariffBand {
  name: string;
  from: string;
  to: string;
  electricityFenPerKwh: number;
  serviceFenPerKwh: number;
}
export interface TariffDefinition {
  name: string;
  utcOffsetMinutes: number;
  bands: TariffBand[];
  idleFeeFenPerMinute: number;
  idleGraceMinutes: number;
}
export interface TariffVersion {
  version: number;
  effectiveFrom: string;
  definition: TariffDefinition;
  createdAt?: string;
  createdBy?: string | { id: string; name: string } | null;
}
export interface TariffView {
  id: string;
  name: string;
  current: TariffVersion | null;
  versions: TariffVersion[];
}
export const tariffsApi = {
  list: () => get<{ tariffs: TariffView[] }>('/admin/tariffs'),
  create: (body: { id?: string; definition: TariffDefinition; effectiveFrom?: string; reason?: string }) => post<{ tariff: TariffView }>('/admin/tariffs', body),
  addVersion: (id: string, body: { definition: TariffDefinition; effectiveFrom: string; reason?: string }) => post<{ tariff: TariffView }>(`/admin/tariffs/${seg(id)}/versions`, body),
};

export interface Station {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  openingHours: string;
  tariffId: string;
  retiredAt: string | null;
  pileCount?: number;
}
export type PileType = 'fast' | 'slow';
export interface Pile {
  id: string;
  code: string;
  stationId: string;
  type: PileType;
  maxPowerW: number;
  connectorType: string;
  connectorCount: number;
  /** How the pile talks to the platform: our MQTT protocol, or OCPP 1.6J (docs/ocpp.md). */
  protocol?: PileProtocol;
  /** An OCPP charger's connector: the charger it belongs to and its number there (ADR 0011). */
  ocpp?: { chargePointId: string; connectorId: number };
  retiredAt: string | null;
}
export type PileProtocol = 'mqtt' | 'ocpp1.6';
/** Shown once: an MQTT pile's account and command secret, or an OCPP charger's endpoint and Basic-auth password. */
export type PileCredentials = Record<string, unknown>;
export type StationFields = Pick<Station, 'name' | 'address' | 'lat' | 'lng' | 'openingHours' | 'tariffId'>;
export const stationsApi = {
  list: (query: { q?: string; includeRetired?: boolean } = {}) => get<{ stations: Station[] }>('/admin/stations', query),
  get: (id: string) => get<{ station: Station; piles: Pile[] }>(`/admin/stations/${seg(id)}`),
  create: (body: StationFields & { id?: string; reason?: string }) => post<{ station: Station }>('/admin/stations', body),
  update: (id: string, body: Partial<StationFields> & { retired?: boolean; reason?: string }) => patch<{ station: Station }>(`/admin/stations/${seg(id)}`, body),
  /** An OCPP charger of `connectors` connectors is one pile per connector: the answer names each one's code. */
  addPile: (stationId: string, body: { code: string; type: PileType; maxPowerW: number; connectorType: string; connectorCount?: number; protocol?: PileProtocol; connectors?: number; reason?: string }) =>
    post<{ pile: Pile; credentials: PileCredentials; connectors?: { connectorId: number; pileCode: string; qrLink: string }[] }>(`/admin/stations/${seg(stationId)}/piles`, body),
  onCall: (stationId: string) => get<{ staff: { id: string; username: string; phone?: string | null }[] }>(`/admin/stations/${seg(stationId)}/on-call`),
  setOnCall: (stationId: string, body: { staffIds: string[]; reason?: string }) => put<{ staff: { id: string; username: string; phone?: string | null }[] }>(`/admin/stations/${seg(stationId)}/on-call`, body),
};

/** Pile status as the live feed and the fleet view name it (domain/pile-status.ts, plus the fleet's own words). */
export type PileStatus = 'idle' | 'available' | 'reserved' | 'charging' | 'occupied' | 'fault' | 'faulted' | 'offline';
export interface FleetPile {
  id: string;
  code: string;
  type: PileType;
  maxPowerW: number;
  status: PileStatus;
  sessionId?: string;
  powerW?: number;
  energyWh?: number;
}
export interface FleetView {
  counts: { total: number; available: number; charging: number; offline: number; faulted: number; [status: string]: number };
  stations: { id: string; name: string; piles: FleetPile[] }[];
}
export interface PileSessionSummary {
  id: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  energyWh: number;
  totalFen?: number;
  endReason?: string;
}
export interface PileDetail {
  pile: Pile;
  station: Station;
  status: PileStatus;
  currentSession: null | { id: string; status: string; startedAt: string | null; energyWh: number; powerW?: number };
  recentSessions: PileSessionSummary[];
}
export const pilesApi = {
  fleet: (query: { status?: string; stationId?: string; q?: string } = {}) => get<FleetView>('/admin/fleet', query),
  get: (code: string) => get<PileDetail>(`/admin/piles/${seg(code)}`),
  update: (code: string, body: { type?: PileType; maxPowerW?: number; connectorType?: string; retired?: boolean; reason?: string }) => patch<{ pile: Pile }>(`/admin/piles/${seg(code)}`, body),
  /** The QR label is an image the browser opens directly (with the token in the header it cannot: fetched as a blob). */
  async qrObjectUrl(code: string, format: 'svg' | 'png' = 'svg'): Promise<string> {
    const token = session.token();
    const response = await fetch(`/api/v1/admin/piles/${seg(code)}/qr?format=${format}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new ApiError(response.status, 'QR_FAILED', response.statusText);
    return URL.createObjectURL(await response.blob());
  },
};

// ---------------------------------------------------------------- commands

/** The OCPP-only commands (getConfig … clearProfile) are offered by the send dialog for OCPP piles only. */
export type CommandType = 'start' | 'stop' | 'reset' | 'unlock' | 'configure' | 'getConfig' | 'changeConfig' | 'availability' | 'trigger' | 'setProfile' | 'clearProfile';
export type CommandState = 'sent' | 'accepted' | 'rejected' | 'expired' | 'failed';
export const COMMAND_STATES: CommandState[] = ['sent', 'accepted', 'rejected', 'expired', 'failed'];
export interface ConfigureParams {
  maxPowerW?: number;
  heartbeatIntervalS?: number;
  qrContent?: string;
  displayPriceFenPerKwh?: number;
}
export interface Command {
  commandId: string;
  pileCode: string;
  pileId: string;
  type: CommandType;
  params: Record<string, unknown>;
  reason: string;
  state: CommandState;
  requestedBy: { id: string; name: string; role: string };
  sessionId?: string;
  workflowId: string;
  attempts: number;
  detail?: string;
  createdAt: string;
  updatedAt: string;
}
/** The params of the OCPP-only commands (domain/pile-command.ts checks them: validateCommandParams). */
export type OcppCommandParams = Record<string, string | number>;
export const OCPP_COMMAND_TYPES: CommandType[] = ['getConfig', 'changeConfig', 'availability', 'trigger', 'setProfile', 'clearProfile'];
export const AVAILABILITY_TYPES = ['Operative', 'Inoperative'] as const;
export const TRIGGER_MESSAGES = ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification'] as const;
export const PROFILE_PURPOSES = ['TxDefaultProfile', 'ChargePointMaxProfile'] as const;
export const CLEARABLE_PROFILE_PURPOSES = ['TxDefaultProfile', 'ChargePointMaxProfile', 'TxProfile'] as const;
export interface CommandRequest {
  commandId: string;
  type: CommandType;
  reason: string;
  driverId?: string;
  connectorId?: number;
  params?: ConfigureParams | OcppCommandParams;
}
export const commandsApi = {
  /** The commandId doubles as the Idempotency-Key: a retried click never sends twice. */
  send: (pileCode: string, body: CommandRequest) => post<{ command: Command }>(`/admin/piles/${seg(pileCode)}/commands`, body, { 'Idempotency-Key': body.commandId }),
  list: (query: { pile?: string; state?: string; limit?: number; cursor?: string } = {}) => get<{ commands: Command[]; nextCursor?: string }>('/admin/commands', query),
  get: (id: string) => get<{ command: Command }>(`/admin/commands/${seg(id)}`),
};

// ---------------------------------------------------------------- alarms

export type AlarmState = 'open' | 'acknowledged' | 'resolved';
export const ALARM_STATES: AlarmState[] = ['open', 'acknowledged', 'resolved'];
export interface Alarm {
  id: string;
  pileId: string;
  pileCode: string;
  stationId: string;
  kind: 'offline' | 'fault' | 'meter' | 'platform';
  code: string;
  message: string;
  state: AlarmState;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: { id: string; name: string } | string | null;
  assignee: { id: string; name: string } | null;
  resolvedAt: string | null;
  occurrences: number;
  escalationLevel: number;
}
export interface AlarmHistoryEntry {
  at: string;
  actor: { id: string; name: string; role: string } | null;
  action: 'raised' | 'notified' | 'escalated' | 'acknowledged' | 'assigned' | 'note' | 'cleared' | 'resolved';
  detail: unknown;
}
export const alarmsApi = {
  list: (query: { state?: string; pile?: string; stationId?: string } = {}) => get<{ alarms: Alarm[] }>('/admin/alarms', query),
  get: (id: string) => get<{ alarm: Alarm; history: AlarmHistoryEntry[] }>(`/admin/alarms/${seg(id)}`),
  acknowledge: (id: string, note?: string) => post<{ alarm: Alarm }>(`/admin/alarms/${seg(id)}/acknowledge`, note ? { note } : {}),
  assign: (id: string, staffId: string, note?: string) => post<{ alarm: Alarm }>(`/admin/alarms/${seg(id)}/assign`, note ? { staffId, note } : { staffId }),
  note: (id: string, note: string) => post<{ alarm: Alarm }>(`/admin/alarms/${seg(id)}/notes`, { note }),
  resolve: (id: string, note: string) => post<{ alarm: Alarm }>(`/admin/alarms/${seg(id)}/resolve`, { note }),
};

/** A fresh command id (uuid v4) for an idempotent send. */
export function newCommandId(): string {
  return crypto.randomUUID();
}

// ---------------------------------------------------------------- reconciliation with the payment provider

export interface ReconciliationRun { id: number; billDate: string; provider: string; providerLines: number; booksLines: number; mismatches: number; ranAt: string }
export interface ReconciliationMismatch {
  id: number; billDate: string; provider: string; kind: 'missing_in_books' | 'missing_at_provider' | 'amount_differs'; movement: 'payment' | 'refund';
  reference: string; booksFen: number | null; providerFen: number | null; foundAt: string; resolvedAt: string | null; resolvedBy: { id: string; name: string } | null; note: string | null;
}
export const reconciliationApi = {
  runs: () => get<{ runs: ReconciliationRun[] }>('/admin/reconciliation/runs'),
  mismatches: (query: { state: 'open' | 'resolved'; date?: string; cursor?: number; limit?: number }) => get<{ mismatches: ReconciliationMismatch[]; nextCursor?: number }>('/admin/reconciliation/mismatches', query),
  resolve: (id: number, note: string) => post<{ mismatch: ReconciliationMismatch }>(`/admin/reconciliation/mismatches/${id}/resolve`, { note }),
  run: (date: string) => post<{ workflowId: string }>('/admin/reconciliation/runs', { date }),
};

// ---------------------------------------------------------------- sessions, settlement failures, abnormal-order review (issue 12)

export type SessionStatus =
  | 'RESERVED'
  | 'AUTHORIZING'
  | 'STARTING'
  | 'CHARGING'
  | 'STOPPING'
  | 'SETTLING'
  | 'COMPLETED'
  | 'SETTLEMENT_FAILED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'DECLINED'
  | 'START_FAILED'
  | 'REJECTED';
export const SESSION_STATUSES: SessionStatus[] = ['RESERVED', 'AUTHORIZING', 'STARTING', 'CHARGING', 'STOPPING', 'SETTLING', 'COMPLETED', 'SETTLEMENT_FAILED', 'CANCELLED', 'EXPIRED', 'DECLINED', 'START_FAILED', 'REJECTED'];
export type ReviewDecision = 'approve' | 'adjust' | 'escalate';
export type ReviewState = 'resolved' | 'escalated';

export interface BillLine {
  band: string;
  energyWh: number;
  electricityFenPerKwh: number;
  serviceFenPerKwh: number;
  electricityFen: number;
  serviceFen: number;
}
export interface SessionBill {
  lines: BillLine[];
  energyWh: number;
  electricityFen: number;
  serviceFen: number;
  energyFen: number;
  idleMinutes: number;
  idleFeeFen: number;
  totalFen: number;
  heldFen: number;
  capturedFen: number;
  releasedFen: number;
  uncollectedFen: number;
}
/** One row of the session search. */
export interface SessionRow {
  sessionId: string;
  status: SessionStatus;
  userId: string;
  pileId: string;
  stationId: string;
  pileCode: string | null;
  stationName: string | null;
  energyWh: number;
  costFen: number;
  startedAt?: string;
  stoppedAt?: string;
  endReason?: string;
  needsReview: boolean;
  reviewReason?: string;
  reviewState: ReviewState | null;
  bill?: SessionBill;
  createdAt: string;
  endedAt: string | null;
}
export interface SessionSearchQuery {
  pile?: string;
  station?: string;
  driver?: string;
  status?: SessionStatus;
  needsReview?: boolean;
  reviewState?: ReviewState | 'none';
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}
export interface SessionReviewEntry {
  id: string;
  sessionId: string;
  decision: ReviewDecision;
  refundFen: number | null;
  note: string;
  decidedBy: { id: string; name: string; role: string };
  createdAt: string;
}
export interface SessionPage {
  session: SessionRow & { workflowId: string };
  station: { id: string; name: string; address: string };
  pile: { id: string; code: string; type: string; maxPowerW: number };
  timeline: { seq: number; from: string | null; to: string; reason: string | null; at: string }[];
  bill: SessionBill | null;
  meter: { startWh: number | null; stopWh: number | null; energyWh: number | null; startedAt: string | null; stoppedAt: string | null };
  payment: {
    mode: 'wallet' | 'payscore';
    /** The WeChat Pay Score order of a session paid with it. */
    payscore: { outOrderNo: string; state: string; riskFen: number; totalFen: number | null; refund: { outRefundNo: string; amountFen: number; status: string } | null } | null;
    hold: { amountFen: number; status: string; capturedFen: number; releasedFen: number } | null;
    order: { id: string; totalFen: number; capturedFen: number; releasedFen: number; uncollectedFen: number; createdAt: string } | null;
    refundedFen: number;
    ledger: { id: number; kind: string; amountFen: number; at: string }[];
  };
  sessionCommands: { commandId: string; type: string; sentAt: string }[];
  commands: Command[];
  temporal: { workflowId: string; url: string | null };
  reviews: SessionReviewEntry[];
}
export interface ReviewRequest {
  reviewId: string;
  decision: ReviewDecision;
  refundFen?: number;
  note: string;
}

export const sessionsApi = {
  search: (query: SessionSearchQuery) => get<{ sessions: SessionRow[]; nextCursor: string | null }>('/admin/sessions', { ...query }),
  get: (id: string) => get<SessionPage>(`/admin/sessions/${seg(id)}`),
  retrySettlement: (id: string) => post<unknown>(`/admin/sessions/${seg(id)}/retry-settlement`),
  /** `reviewId` makes the decision safe to retry: the same id again answers with the recorded decision. */
  review: (id: string, body: ReviewRequest) => post<{ review: SessionReviewEntry }>(`/admin/sessions/${seg(id)}/review`, body),
};

// ---------------------------------------------------------------- drivers and feedback (issue 12, helper "users")

export interface Driver {
  id: string;
  name: string;
  phone: string | null;
  wechatOpenId: string | null;
  createdAt: string;
  frozenAt: string | null;
  frozenReason: string | null;
}
export interface DriverOrder {
  id: string;
  status: string;
  pile: { id: string; code: string | null };
  station: { id: string; name: string | null };
  startedAt: string | null;
  endedAt: string | null;
  energyWh: number;
  totalFen: number | null;
  endReason: string | null;
  needsReview: boolean;
  createdAt: string;
}
export interface DriverPage {
  user: Driver & { frozenBy: { id: string; name: string } | null };
  wallet: { balanceFen: number; heldFen: number };
  holds: { sessionId: string; amountFen: number; status: 'held' | 'captured' | 'released'; capturedFen: number; releasedFen: number; createdAt: string }[];
  transactions: { id: number; kind: string; amountFen: number; balanceAfterFen: number; heldAfterFen: number; sessionId: string | null; at: string }[];
  orders: DriverOrder[];
  vehicles: { id: string; plate: string; model: string; connectorType: string }[];
  feedback: { id: string; kind: FeedbackKind; status: FeedbackStatus; content: string; assigneeId: string | null; createdAt: string; updatedAt: string }[];
}
export const driversApi = {
  search: (query: { q?: string; frozen?: boolean; cursor?: string; limit?: number } = {}) => get<{ users: Driver[]; nextCursor: string | null }>('/admin/users', query),
  get: (id: string) => get<DriverPage>(`/admin/users/${seg(id)}`),
  freeze: (id: string, reason: string) => post<{ user: Driver }>(`/admin/users/${seg(id)}/freeze`, { reason }),
  unfreeze: (id: string, reason: string) => post<{ user: Driver }>(`/admin/users/${seg(id)}/unfreeze`, { reason }),
};

/** An RFID card mapped to a driver: tapped at an OCPP charger, it starts the driver's session (docs/ocpp.md, "RFID cards"). */
export interface IdTag {
  idTag: string;
  userId: string;
  status: 'active' | 'blocked';
  createdAt: string;
  updatedAt: string;
}
export const idTagsApi = {
  list: (userId: string) => get<{ idTags: IdTag[] }>('/admin/id-tags', { userId }),
  add: (body: { idTag: string; userId: string; reason: string }) => post<{ idTag: IdTag }>('/admin/id-tags', body),
  setStatus: (idTag: string, status: IdTag['status'], reason: string) => patch<{ idTag: IdTag }>(`/admin/id-tags/${seg(idTag)}`, { status, reason }),
};

export type FeedbackKind = 'complaint' | 'suggestion';
export type FeedbackStatus = 'open' | 'replied' | 'closed';
export const FEEDBACK_STATUSES: FeedbackStatus[] = ['open', 'replied', 'closed'];
export interface FeedbackItem {
  id: string;
  kind: FeedbackKind;
  status: FeedbackStatus;
  content: string;
  stationId: string | null;
  sessionId: string | null;
  createdAt: string;
  updatedAt: string;
  replies: { id: number; from: 'driver' | 'support'; content: string; createdAt: string }[];
  userId: string;
  user: { id: string; name: string | null };
  assignee: { id: string; name: string | null } | null;
}
export const feedbackApi = {
  queue: (query: { status?: FeedbackStatus; assignee?: string; userId?: string; cursor?: string; limit?: number } = {}) => get<{ feedback: FeedbackItem[]; nextCursor: string | null }>('/admin/feedback', query),
  get: (id: string) => get<FeedbackItem>(`/admin/feedback/${seg(id)}`),
  reply: (id: string, content: string) => post<FeedbackItem>(`/admin/feedback/${seg(id)}/replies`, { content }),
  assign: (id: string, staffId: string | null, note?: string) => post<FeedbackItem>(`/admin/feedback/${seg(id)}/assign`, note ? { staffId, note } : { staffId }),
  close: (id: string, reason?: string) => post<FeedbackItem>(`/admin/feedback/${seg(id)}/close`, reason ? { reason } : {}),
};

// ---------------------------------------------------------------- dashboards (issue 12, helper "stats")

export type StatsKind = 'energy' | 'revenue' | 'utilization' | 'drivers';
export interface StatsQuery {
  from?: string;
  to?: string;
  granularity?: 'day' | 'month';
  stationId?: string;
  by?: 'period' | 'station' | 'pile';
}
export type StatsRow = Record<string, string | number | null>;
export interface StatsReport {
  kind: StatsKind;
  from: string;
  to: string;
  granularity: 'day' | 'month';
  by: 'period' | 'station' | 'pile';
  stationId: string | null;
  timeZone: string;
  rows: StatsRow[];
  totals: StatsRow;
  previous: { from: string; to: string; totals: StatsRow };
}
export const statsApi = {
  report: (kind: StatsKind, query: StatsQuery) => get<StatsReport>(`/admin/stats/${seg(kind)}`, { ...query }),
  /** The same rows as CSV, saved by the browser under the API's file name. */
  async downloadCsv(kind: StatsKind, query: StatsQuery): Promise<void> {
    const token = session.token();
    const response = await fetch(`/api/v1${withQuery(`/admin/stats/${seg(kind)}`, { ...query, format: 'csv' })}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!response.ok) throw new ApiError(response.status, 'DOWNLOAD_FAILED', response.statusText);
    const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${kind}.csv`;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  },
};
