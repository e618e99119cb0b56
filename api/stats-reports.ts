import type { StatsQueries, StatsRange, StatsSums } from '../db/stats-queries';
import {
  type Granularity,
  type LocalDay,
  type Period,
  addDays,
  addMonths,
  firstDayOfMonth,
  localDayOf,
  normalizePeriod,
  periodLabels,
  previousPeriod,
} from '../domain/operator-days';

export const STATS_KINDS = ['energy', 'revenue', 'utilization', 'drivers'] as const;
export type StatsKind = (typeof STATS_KINDS)[number];
export type StatsBreakdown = 'period' | 'station' | 'pile';

export interface StatsRequest {
  kind: StatsKind;
  from?: LocalDay;
  to?: LocalDay;
  granularity: Granularity;
  stationId?: string;
  by: StatsBreakdown;
}

type Row = Record<string, string | number | null>;

export interface StatsReport {
  kind: StatsKind;
  from: LocalDay;
  to: LocalDay;
  granularity: Granularity;
  by: StatsBreakdown;
  stationId: string | null;
  timeZone: string;
  rows: Row[];
  totals: Row;
  previous: { from: LocalDay; to: LocalDay; totals: Row };
}

const average = (total: number, count: number) => (count > 0 ? Math.round(total / count) : 0);
/** Charging time ÷ available time, to four places; null when the piles were never available. */
const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The figures each report shows, from the rollups' sums (averages per settled session). */
const FIGURES: Record<Exclude<StatsKind, 'drivers'>, (s: StatsSums) => Row> = {
  energy: (s) => ({ energyWh: s.energyWh, sessions: s.sessions, sessionSeconds: s.sessionSeconds, averageEnergyWh: average(s.energyWh, s.sessions), averageSeconds: average(s.sessionSeconds, s.sessions) }),
  revenue: (s) => ({ electricityFen: s.electricityFen, serviceFen: s.serviceFen, idleFeeFen: s.idleFeeFen, totalFen: s.totalFen, sessions: s.sessions, averageFen: average(s.totalFen, s.sessions) }),
  utilization: (s) => ({ chargingSeconds: s.chargingSeconds, availableSeconds: s.availableSeconds, utilization: ratio(s.chargingSeconds, s.availableSeconds) }),
};

const ZERO: StatsSums = { energyWh: 0, sessions: 0, electricityFen: 0, serviceFen: 0, idleFeeFen: 0, totalFen: 0, sessionSeconds: 0, chargingSeconds: 0, availableSeconds: 0 };

/**
 * The dashboards' reports (GET /admin/stats/:kind): rows per period, station or pile, the period's totals and the
 * previous period's, all from the rollups. Without `from`/`to`: the last 30 days, or the last 12 months, to today.
 */
export class StatsReports {
  constructor(private readonly deps: { queries: StatsQueries; timeZone: string; clock: () => number }) {}

  /** The period asked for, whole months for a month report; defaults end today in the operator's zone. */
  periodOf(request: Pick<StatsRequest, 'from' | 'to' | 'granularity'>): Period {
    const today = localDayOf(this.deps.clock(), this.deps.timeZone);
    const to = request.to ?? (request.from && request.from > today ? request.from : today);
    const from = request.from ?? (request.granularity === 'day' ? addDays(to, -29) : firstDayOfMonth(addMonths(to, -11)));
    return normalizePeriod({ from, to }, request.granularity);
  }

  async report(request: StatsRequest): Promise<StatsReport> {
    const period = this.periodOf(request);
    const previous = previousPeriod(period, request.granularity);
    const range: StatsRange = { ...period, stationId: request.stationId };
    const before: StatsRange = { ...previous, stationId: request.stationId };
    const [rows, totals, previousTotals] = await Promise.all([this.rows(request, range), this.totals(request.kind, range), this.totals(request.kind, before)]);
    return {
      kind: request.kind,
      ...period,
      granularity: request.granularity,
      by: request.by,
      stationId: request.stationId ?? null,
      timeZone: this.deps.timeZone,
      rows,
      totals,
      previous: { ...previous, totals: previousTotals },
    };
  }

  private async totals(kind: StatsKind, range: StatsRange): Promise<Row> {
    if (kind === 'drivers') return { ...(await this.deps.queries.driverTotals(range)) };
    return FIGURES[kind](await this.deps.queries.totals(range));
  }

  private async rows(request: StatsRequest, range: StatsRange): Promise<Row[]> {
    const { queries } = this.deps;
    const labels = periodLabels(range, request.granularity);
    if (request.kind === 'drivers') {
      const found = new Map((await queries.driversByPeriod(range, request.granularity)).map((r) => [r.period, r]));
      return labels.map((period) => ({ period, newDrivers: found.get(period)?.newDrivers ?? 0, activeDrivers: found.get(period)?.activeDrivers ?? 0 }));
    }
    const figures = FIGURES[request.kind];
    if (request.by === 'station') return (await queries.byStation(range)).map((s) => ({ stationId: s.stationId, stationName: s.stationName, ...figures(s) }));
    if (request.by === 'pile') return (await queries.byPile(range)).map((s) => ({ pileId: s.pileId, pileCode: s.pileCode, stationId: s.stationId, ...figures(s) }));
    const found = new Map((await queries.byPeriod(range, request.granularity)).map((r) => [r.period, r]));
    return labels.map((period) => ({ period, ...figures(found.get(period) ?? ZERO) }));
  }
}
