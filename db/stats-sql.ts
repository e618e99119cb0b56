import type { Sequelize } from 'sequelize';

/**
 * The few SQL expressions MariaDB/MySQL and SQLite spell differently, for the dashboards' rollups and reports.
 * Everything else in those statements is common SQL (window functions included: MariaDB 10.2+, SQLite 3.25+).
 */
export interface StatsSql {
  /** Whole seconds from `from` to `to` (two timestamps). */
  seconds(from: string, to: string): string;
  /** Seconds the window [from, to) lasts, 0 when it is empty. */
  overlapSeconds(from: string[], to: string[]): string;
  greatest(...values: string[]): string;
  least(...values: string[]): string;
  /** An integer member of a JSON text column, 0 when absent. */
  jsonInt(column: string, member: string): string;
}

export function statsSql(sequelize: Sequelize): StatsSql {
  const mysql = sequelize.getDialect() !== 'sqlite';
  const greatest = (...values: string[]) => (values.length === 1 ? values[0] : `${mysql ? 'GREATEST' : 'MAX'}(${values.join(', ')})`);
  const least = (...values: string[]) => (values.length === 1 ? values[0] : `${mysql ? 'LEAST' : 'MIN'}(${values.join(', ')})`);
  const seconds = (from: string, to: string) =>
    mysql ? `TIMESTAMPDIFF(SECOND, ${from}, ${to})` : `CAST(ROUND((julianday(${to}) - julianday(${from})) * 86400) AS INTEGER)`;
  return {
    seconds,
    greatest,
    least,
    overlapSeconds(from, to) {
      const start = greatest(...from);
      const end = least(...to);
      return `CASE WHEN ${start} < ${end} THEN ${seconds(start, end)} ELSE 0 END`;
    },
    jsonInt: (column, member) => {
      if (!/^[A-Za-z]+$/.test(member)) throw new Error(`not a JSON member name: ${member}`);
      return `COALESCE(CAST(JSON_EXTRACT(${column}, '$.${member}') AS ${mysql ? 'SIGNED' : 'INTEGER'}), 0)`;
    },
  };
}
