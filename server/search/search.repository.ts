import { prepared, type Db } from '../../db/client.js';
import { toIso } from '../lib/clock.js';
import { canSee, type conversationScope } from '../teams/teams.repository.js';
import { highlight, MARK_END, MARK_START, queryTerms, scoreHits } from './search.models.js';

export { MARK_END, MARK_START };

// Ranking every hit of a common word is what makes FTS slow (PERFORMANCE.md): the newest 500 hits are
// ranked, which keeps the worst case bounded and still puts the best of the recent matches first.
const CANDIDATES = 500;

/**
 * An FTS5 query from what a person typed: words become quoted prefix terms, all required.
 * Quoting makes FTS syntax in the input (AND, NEAR, quotes, colons) plain text. Null when nothing is left.
 */
export function ftsQuery(input: string): string | null {
  const words = input.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, 8)
    .map((w) => `"${w}"*`)
    .join(' ');
}

type Scope = ReturnType<typeof conversationScope>;

/**
 * Messages matching what a person typed that the caller may see: the newest CANDIDATES hits in FTS
 * order (rowid, no `rank`), ranked and highlighted in JavaScript (see scoreHits, highlight), best first.
 */
export function searchMessages(db: Db, input: string, scope: Scope, limit: number) {
  const q = ftsQuery(input);
  if (!q) return [];
  const stmt = prepared(db, 'search.messages', () =>
    db.$client.prepare(
      `WITH hits AS (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ${CANDIDATES})
       SELECT m.id, m.conversation_id AS conversationId, m.contact_id AS contactId, m.direction, m.text, m.timestamp,
              c.assignee_id AS assigneeId, c.team_id AS teamId
       FROM hits JOIN messages m ON m.rowid = hits.rowid JOIN conversations c ON c.id = m.conversation_id
       ORDER BY hits.rowid DESC`,
    ),
  );
  const rows = (stmt.all(q) as { id: string; conversationId: string; contactId: string; direction: string; text: string | null; timestamp: number; assigneeId: string | null; teamId: string | null }[]).filter((r) => canSee(scope, r));
  const terms = queryTerms(input);
  // Scored all, highlighted only those returned (cutting snippets is the costly part).
  const top = scoreHits(rows, terms)
    .sort((a, b) => b.score - a.score || b.timestamp - a.timestamp)
    .slice(0, limit);
  const names = contactNames(db, top.map((r) => r.contactId));
  return top.map(({ assigneeId: _a, teamId: _t, score: _s, ...r }) => ({ ...r, snippet: highlight(r.text, terms), contactName: names.get(r.contactId) ?? null, timestamp: toIso(r.timestamp) }));
}

/**
 * Who wrote each hit: name, else WhatsApp profile name, else phone. Looked up for the returned rows only
 * (at most `limit`), not joined over the 500 candidates, so a common word costs no extra reads.
 */
function contactNames(db: Db, ids: readonly string[]): Map<string, string> {
  if (ids.length === 0) return new Map();
  const stmt = prepared(db, 'search.contactNames', () =>
    db.$client.prepare(`SELECT id, coalesce(name, profile_name, phone, username) AS label FROM contacts WHERE id IN (SELECT value FROM json_each(?))`),
  );
  const rows = stmt.all(JSON.stringify([...new Set(ids)])) as { id: string; label: string | null }[];
  return new Map(rows.flatMap((r) => (r.label ? [[r.id, r.label] as const] : [])));
}

/** Contacts by name, phone digits, username or profile name (prefix match), best first. */
export function searchContactIds(db: Db, q: string, limit: number): string[] {
  const stmt = prepared(db, 'search.contacts', () =>
    db.$client.prepare(
      `WITH hits AS (SELECT rowid, rank FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid DESC LIMIT ${CANDIDATES})
       SELECT c.id FROM hits JOIN contacts c ON c.rowid = hits.rowid ORDER BY hits.rank LIMIT ?`,
    ),
  );
  return (stmt.all(q, limit) as { id: string }[]).map((r) => r.id);
}

/** Internal notes matching `q` in conversations the caller may see. */
export function searchNotes(db: Db, q: string, scope: Scope, limit: number) {
  const stmt = prepared(db, 'search.notes', () =>
    db.$client.prepare(
      `WITH hits AS (
         SELECT rowid, rank, snippet(notes_fts, 0, '${MARK_START}', '${MARK_END}', '…', 12) AS snippet
         FROM notes_fts WHERE notes_fts MATCH ? ORDER BY rowid DESC LIMIT ${CANDIDATES})
       SELECT n.id, n.conversation_id AS conversationId, n.created_at AS createdAt, c.assignee_id AS assigneeId, c.team_id AS teamId, hits.snippet
       FROM hits JOIN conversation_notes n ON n.rowid = hits.rowid JOIN conversations c ON c.id = n.conversation_id
       ORDER BY hits.rank`,
    ),
  );
  const rows = stmt.all(q) as { id: string; conversationId: string; createdAt: number; assigneeId: string | null; teamId: string | null; snippet: string }[];
  return rows
    .filter((r) => canSee(scope, r))
    .slice(0, limit)
    .map(({ assigneeId: _a, teamId: _t, ...r }) => ({ ...r, createdAt: toIso(r.createdAt) }));
}

export const SEARCH_INDEX_QUEUE = 'search.index';

/**
 * Indexes messages written since the watermark, up to `batch` rows, and moves the watermark past them
 * (rows without text too). One transaction; returns how many rows it looked at (0 = up to date).
 */
export function indexPendingMessages(db: Db, batch = 5_000): number {
  const s = prepared(db, 'search.indexPending', () => ({
    mark: db.$client.prepare(`SELECT indexed_rowid AS w FROM search_state WHERE name = 'messages'`),
    last: db.$client.prepare(`SELECT max(rowid) AS m, count(*) AS n FROM (SELECT rowid FROM messages WHERE rowid > ? ORDER BY rowid LIMIT ?)`),
    insert: db.$client.prepare(`INSERT INTO messages_fts(rowid, text) SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ? AND text IS NOT NULL`),
    move: db.$client.prepare(`UPDATE search_state SET indexed_rowid = ? WHERE name = 'messages'`),
  }));
  return db.$client.transaction(() => {
    const w = (s.mark.get() as { w: number }).w;
    const { m, n } = s.last.get(w, batch) as { m: number | null; n: number };
    if (!m) return 0;
    s.insert.run(w, m);
    s.move.run(m);
    return n;
  }).immediate();
}

/** Queues an index run (at most one per second) after messages were written. */
export function requestSearchIndex(jobs: { enqueue(q: string, p: unknown, o: { idempotencyKey: string; maxAttempts: number }): number | null }, now: number): void {
  jobs.enqueue(SEARCH_INDEX_QUEUE, {}, { idempotencyKey: `s@${Math.floor(now / 1000)}`, maxAttempts: 5 });
}
