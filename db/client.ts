import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../server/lib/paths.js';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** What a `db.transaction(tx => …)` callback receives; usecases accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const MIGRATIONS_DIR = join(projectRoot(), 'db', 'migrations');

/**
 * Opens the one writer connection with Parley's pragmas.
 * - WAL: readers never block the writer.
 * - synchronous=FULL: a commit is on disk before we answer, so a 200 to Meta survives a power loss
 *   (better-sqlite3 defaults WAL to NORMAL, which only survives a process crash). Group commit pays for it.
 * - wal_autocheckpoint raised: automatic checkpoints run inside a committing call and stall it 20–45 ms;
 *   a scheduled PASSIVE checkpoint job keeps the WAL small instead.
 * - busy_timeout: scripts (backup, create-user) may write while the server runs.
 */
export function openDb(file: string): Db {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('wal_autocheckpoint = 8000');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('cache_size = -32000');
  return drizzle({ client: sqlite, schema }) as Db;
}

/** Applies the committed drizzle-kit migrations; safe to run on an up-to-date database. */
export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/** A fresh in-memory database built from the real migrations (tests). */
export function openTestDb(): Db {
  const db = openDb(':memory:');
  migrateDb(db);
  return db;
}

/** Number of migrations applied vs. committed, for /readyz. */
export function migrationStatus(db: Db): { applied: number; expected: number } {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  let applied = 0;
  try {
    applied = (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
  } catch {
    applied = 0;
  }
  return { applied, expected: journal.entries.length };
}


/**
 * Runs `fn` in a transaction on the one connection (better-sqlite3's own: synchronous, and nested calls
 * become SAVEPOINTs). Inside, use the root `db` as usual: every statement runs on the same connection.
 * IMMEDIATE takes the write lock up front, waiting out another writer (a script such as backup or
 * create-user) under busy_timeout; a deferred transaction that read first would fail with SQLITE_BUSY.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

const statementCache = new WeakMap<Db, Map<string, unknown>>();

/** A prepared statement built once per database (drizzle `.prepare()` or raw): hot paths must not re-plan SQL. */
export function prepared<T>(db: Db, key: string, build: () => T): T {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let stmt = cache.get(key) as T | undefined;
  if (stmt === undefined) cache.set(key, (stmt = build()));
  return stmt;
}
