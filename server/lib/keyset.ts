import { and, lt, lte, or, type Column, type SQL } from 'drizzle-orm';

/**
 * The rows after a keyset cursor in `ORDER BY at DESC, id DESC` — `(at, id) < (cursor.at, cursor.id)` —
 * written as `at <= X AND (at < X OR id < Y)`: the range on `at` lets SQLite walk the index from X down and
 * stop once the page is full. The plain `at < X OR (at = X AND id < Y)` lets the planner pick a MULTI-INDEX
 * OR that reads and sorts every older row once statistics say values repeat (measured on 25 000
 * conversations: 30 ms for the 5th page instead of 1 ms).
 */
export function olderThan(at: Column, id: Column, cursor: { at: number; id: string }): SQL {
  return and(lte(at, cursor.at), or(lt(at, cursor.at), lt(id, cursor.id)))!;
}
