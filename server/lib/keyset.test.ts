import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openTestDb } from '../../db/client.js';
import { contacts } from '../../db/schema/contacts.js';
import { conversations } from '../../db/schema/inbox.js';
import { olderThan } from './keyset.js';

describe('keyset paging (olderThan)', () => {
  it('pages through rows sharing a timestamp: every row once, in (at, id) order', () => {
    const db = openTestDb();
    // 3 distinct times, 4 rows each: ties are the case a cursor must get right.
    const rows = Array.from({ length: 12 }, (_, i) => ({ id: `ct_${String.fromCharCode(97 + ((i * 7) % 12))}`, createdAt: 1000 * (1 + (i % 3)), updatedAt: 0 }));
    db.insert(contacts).values(rows).run();
    const seen: string[] = [];
    let cursor: { at: number; id: string } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = db.select({ id: contacts.id, at: contacts.createdAt }).from(contacts).where(cursor ? olderThan(contacts.createdAt, contacts.id, cursor) : undefined).orderBy(desc(contacts.createdAt), desc(contacts.id)).limit(5).all();
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.id));
      cursor = page.at(-1)!;
    }
    const expected = [...rows].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it('leaves the planner a range on the time index, where `at < X OR (at = X AND id < Y)` makes it read and sort every older row', () => {
    const db = openTestDb();
    // The statistics of the 1 M-message scale database (25 000 conversations, ~5 sharing each time).
    db.$client.exec(`ANALYZE; DELETE FROM sqlite_stat1 WHERE tbl = 'conversations';
      INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('conversations', 'conversations_last_idx', '25000 5'), ('conversations', 'sqlite_autoindex_conversations_1', '25000 1'), ('conversations', NULL, '25000');
      ANALYZE sqlite_schema;`);
    const plan = (where: SQL) => {
      const q = db.select().from(conversations).where(where).orderBy(desc(conversations.lastMessageAt), desc(conversations.id)).limit(31).toSQL();
      return (db.$client.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    };
    const cursor = { at: 5, id: 'cv_x' };
    const at = conversations.lastMessageAt;
    expect(plan(or(lt(at, cursor.at), and(eq(at, cursor.at), lt(conversations.id, cursor.id)))!)).toContain('MULTI-INDEX OR');
    expect(plan(olderThan(at, conversations.id, cursor))).toMatch(/^SEARCH conversations USING INDEX conversations_last_idx \(last_message_at<\?\)/);
  });
});
