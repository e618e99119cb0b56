import type { Database } from './database';
import type { ChargingSession, Order, PaymentHold, PayscoreOrder, PayscoreRefund, PileCommandEntry, SessionEvent, SessionReview, WalletTransaction } from './models';

/** Everything stored about one session, for the operators' session page. */
export interface SessionDossier {
  session: ChargingSession;
  events: SessionEvent[];
  order: Order | null;
  hold: PaymentHold | null;
  /** The WeChat Pay Score order of a session paid with it, and its refund after a review. */
  payscore: { order: PayscoreOrder; refund: PayscoreRefund | null } | null;
  /** Operators' remote commands linked to this session (pile_commands.session_id), oldest first. */
  commands: PileCommandEntry[];
  /** The wallet entries about this session (hold, capture, release, order refund), oldest first. */
  ledger: WalletTransaction[];
  reviews: SessionReview[];
}

/** Reads a session's dossier in a handful of indexed queries. */
export class SessionDossiers {
  constructor(private readonly db: Database) {}

  async of(sessionId: string): Promise<SessionDossier | undefined> {
    const { ChargingSession, SessionEvent, Order, PaymentHold, PayscoreOrder, PayscoreRefund, PileCommandEntry, WalletTransaction, SessionReview } = this.db.models;
    const session = await ChargingSession.findByPk(sessionId);
    if (!session) return undefined;
    const [events, order, hold, payscoreOrder, payscoreRefund, commands, ledger, reviews] = await Promise.all([
      SessionEvent.findAll({ where: { sessionId }, order: [['seq', 'ASC']] }),
      Order.findOne({ where: { sessionId } }),
      PaymentHold.findByPk(sessionId),
      PayscoreOrder.findByPk(sessionId),
      PayscoreRefund.findOne({ where: { sessionId } }),
      PileCommandEntry.findAll({ where: { sessionId }, order: [['seq', 'ASC']], limit: 100 }),
      WalletTransaction.findAll({ where: { userId: session.userId, sessionId }, order: [['id', 'ASC']], limit: 100 }),
      SessionReview.findAll({ where: { sessionId }, order: [['createdAt', 'ASC'], ['id', 'ASC']], limit: 100 }),
    ]);
    const payscore = payscoreOrder && { order: payscoreOrder, refund: payscoreRefund };
    return { session, events, order, hold, payscore, commands, ledger, reviews };
  }
}
