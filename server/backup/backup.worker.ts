import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BACKUP_MEDIA_TABLE, BACKUP_META_TABLE, COUNTED_TABLES } from './backup.models.js';

/** What the worker found in a fresh snapshot. */
export interface SnapshotFacts {
  /** `PRAGMA quick_check` rows other than "ok" (empty: the copy is sound). */
  problems: string[];
  counts: Record<string, number>;
  media: { files: number; bytes: number };
  migrations: number;
}

// Plain CommonJS evaluated in a worker thread: it cannot import this project's TypeScript, so the same
// code runs under vitest (sources) and from dist/. One worker per backup: starting one costs 50–300 ms.
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.driver);
let db;
try {
  db = new Database(w.file, { fileMustExist: true });
  // Out of WAL so the backup stays one file; no syncs here: the caller fsyncs once before publishing it.
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const problems = db.pragma('quick_check').map((r) => r.quick_check).filter((v) => v !== 'ok');
  const facts = { problems, counts: {}, media: { files: 0, bytes: 0 }, migrations: 0 };
  if (!problems.length) {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
    db.transaction(() => {
      db.exec('CREATE TABLE ' + w.mediaTable + ' (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER)');
      if (tables.has('media')) {
        db.exec('INSERT INTO ' + w.mediaTable + " (key, sha256, size) SELECT sha256, sha256, max(size) FROM media WHERE state = 'ready' AND sha256 IS NOT NULL GROUP BY sha256");
      }
      facts.media = db.prepare('SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM ' + w.mediaTable).get();
      for (const t of w.counted) if (tables.has(t)) facts.counts[t] = db.prepare('SELECT count(*) FROM "' + t + '"').pluck().get();
      if (tables.has('__drizzle_migrations')) facts.migrations = db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
      db.exec('CREATE TABLE ' + w.metaTable + ' (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      db.prepare('INSERT INTO ' + w.metaTable + " (key, value) VALUES ('backup', ?)").run(JSON.stringify({ ...w.meta, counts: facts.counts, media: facts.media, migrations: facts.migrations }));
    })();
  }
  parentPort.postMessage({ ok: true, facts });
} catch (err) {
  parentPort.postMessage({ ok: false, message: err && err.message ? err.message : String(err) });
} finally {
  if (db) db.close();
}
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Checks a fresh snapshot (`quick_check`), writes its media manifest and its description (`meta` plus
 * the counts, media totals and migrations found) into it, in a worker thread: these read the whole file,
 * which takes seconds on a large database, and the server's event loop must keep answering webhooks.
 */
export function describeSnapshotOffThread(file: string, meta: object): Promise<SnapshotFacts> {
  return new Promise((resolve, reject) => {
    const workerData = { driver, file, meta, counted: COUNTED_TABLES, mediaTable: BACKUP_MEDIA_TABLE, metaTable: BACKUP_META_TABLE };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    let settled = false;
    worker.once('message', (m: { ok: true; facts: SnapshotFacts } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.facts);
      else reject(new Error(m.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`snapshot worker exited with code ${code}`));
    });
  });
}
