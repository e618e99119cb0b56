import { Op } from 'sequelize';
import { DomainError } from '../domain/errors';

/** A page boundary of a newest-first list: the last row's creation time and id (ties broken by id). */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** `<epoch ms>_<id>`: opaque to callers, who hand back the previous page's `nextCursor`. */
export const encodeCursor = (row: { createdAt: Date; id: string }): string => `${row.createdAt.getTime()}_${row.id}`;

/** The cursor a caller sent, or a VALIDATION_FAILED naming `cursor`. */
export function decodeCursor(cursor: string): PageCursor {
  const match = /^(\d{1,15})_([A-Za-z0-9-]{1,36})$/.exec(cursor);
  if (!match) throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this API gave out', { field: 'cursor' });
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

/** Rows older than the cursor in (createdAt DESC, id DESC) order. */
export function olderThan(cursor: PageCursor | undefined) {
  if (!cursor) return {};
  return { [Op.or]: [{ createdAt: { [Op.lt]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [Op.lt]: cursor.id } }] };
}
