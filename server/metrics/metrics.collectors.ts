import { statSync } from 'node:fs';
import type { Db } from '../../db/client.js';
import type { Clock } from '../lib/clock.js';
import { APP_VERSION } from '../system/version.js';
import type { AppMetrics } from './metrics.catalog.js';

/*
 * Gauges computed when Prometheus scrapes, from indexed queries, bounded chunks or the process. Measured on
 * a 1 M-message database: the job queries read only the partial indexes jobs_due_idx / jobs_dead_idx (1–2 ms
 * with 20 k waiting jobs and 300 k done ones). Messages per status is NOT read here: messages has no status
 * index, a `GROUP BY status` scans the table (260–450 ms on 1 M rows, blocking the event loop), and even a
 * 24 h window over messages_timestamp_idx costs ~100 ms on a 100 k-send day — sends are counters instead.
 */

export interface CollectorDeps {
  db: Db;
  clock: Clock;
  /** Registered queues with their running jobs in this process (`worker.inflight()`). */
  inflight: () => Record<string, number>;
  /** Media rows summed per scrape (tests pass a small number). */
  mediaRowsPerScrape?: number;
}

/** Media rows summed per scrape (a bigger table takes several scrapes per total). */
const MEDIA_ROWS_PER_SCRAPE = 10_000;

/** Adds the scrape-time gauges (jobs, database, media, process) to the app's registry. */
export function registerCollectors(metrics: AppMetrics, deps: CollectorDeps): void {
  const r = metrics.registry;
  const sqlite = deps.db.$client;

  const depth = r.gauge('parley_job_queue_depth', 'Jobs waiting or running, per queue.');
  const running = r.gauge('parley_jobs_running', 'Jobs running in this process now, per queue.');
  const oldest = r.gauge('parley_job_oldest_due_age_seconds', 'How long the oldest due job of the queue has waited to be claimed (0 when none is due).');
  const dead = r.gauge('parley_jobs_dead', 'Dead jobs (attempts spent or permanent error), per queue; retry them in the admin view.');
  // Both partial indexes cover these exactly (the WHERE terms match the index definitions word for word).
  const activeStmt = sqlite.prepare(`SELECT queue, count(*) AS depth, min(run_at) AS oldest FROM jobs WHERE state IN ('queued', 'running') GROUP BY queue`);
  const deadStmt = sqlite.prepare(`SELECT queue, count(*) AS n FROM jobs WHERE state = 'dead' GROUP BY queue`);
  r.collect(() => {
    const now = deps.clock.now();
    const inflight = deps.inflight();
    for (const g of [depth, running, oldest, dead]) g.reset();
    // Every registered queue appears, empty ones as 0: a series that vanishes cannot be alerted on.
    for (const [queue, n] of Object.entries(inflight)) {
      depth.with({ queue }).set(0);
      oldest.with({ queue }).set(0);
      dead.with({ queue }).set(0);
      running.with({ queue }).set(n);
    }
    for (const row of activeStmt.all() as { queue: string; depth: number; oldest: number }[]) {
      depth.with({ queue: row.queue }).set(row.depth);
      // run_at is also the lease end and the retry time: a minimum in the future means nothing is due yet.
      oldest.with({ queue: row.queue }).set(Math.max(0, now - row.oldest) / 1000);
    }
    for (const row of deadStmt.all() as { queue: string; n: number }[]) dead.with({ queue: row.queue }).set(row.n);
  });

  const dbBytes = r.gauge('parley_db_size_bytes', 'SQLite files on disk: the database and its write-ahead log.');
  const pageStmt = sqlite.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
  const file = sqlite.name;
  r.collect(() => {
    const inMemory = file === ':memory:' || file === '';
    dbBytes.with({ file: 'db' }).set(inMemory ? (pageStmt.get() as { bytes: number }).bytes : fileSize(file));
    dbBytes.with({ file: 'wal' }).set(inMemory ? 0 : fileSize(`${file}-wal`));
  });

  const mediaBytes = r.gauge('parley_media_stored_bytes', 'Bytes of media files Parley holds (ready media rows; a large table is summed over several scrapes).');
  const mediaFiles = r.gauge('parley_media_stored_files', 'Media files Parley holds (ready media rows; a large table is summed over several scrapes).');
  // media has no state index and a full sum costs 65–115 ms at 200 k rows: each scrape sums the next
  // MEDIA_ROWS_PER_SCRAPE rows in rowid order (2–4 ms) and the gauges change when a pass completes.
  const mediaChunk = sqlite.prepare(
    `SELECT count(*) AS rows, max(r) AS last, coalesce(sum(state = 'ready'), 0) AS n, coalesce(sum(CASE WHEN state = 'ready' THEN size END), 0) AS bytes
     FROM (SELECT rowid AS r, state, size FROM media WHERE rowid > ? ORDER BY rowid LIMIT ?)`,
  );
  const perScrape = deps.mediaRowsPerScrape ?? MEDIA_ROWS_PER_SCRAPE;
  let pass = { after: 0, n: 0, bytes: 0 };
  r.collect(() => {
    const chunk = mediaChunk.get(pass.after, perScrape) as { rows: number; last: number | null; n: number; bytes: number };
    pass = { after: chunk.last ?? pass.after, n: pass.n + chunk.n, bytes: pass.bytes + chunk.bytes };
    if (chunk.rows < perScrape) {
      mediaBytes.self.set(pass.bytes);
      mediaFiles.self.set(pass.n);
      pass = { after: 0, n: 0, bytes: 0 };
    }
  });

  const rss = r.gauge('process_resident_memory_bytes', 'Resident memory of the Parley process.').self;
  const heapUsed = r.gauge('nodejs_heap_used_bytes', 'V8 heap in use.').self;
  const heapTotal = r.gauge('nodejs_heap_total_bytes', 'V8 heap reserved.').self;
  const uptime = r.gauge('parley_uptime_seconds', 'Seconds since the process started.').self;
  r.gauge('parley_build_info', 'Always 1; the labels say which Parley and Node.js are running.').with({ version: APP_VERSION, node: process.version }).set(1);
  r.collect(() => {
    const mem = process.memoryUsage();
    rss.set(mem.rss);
    heapUsed.set(mem.heapUsed);
    heapTotal.set(mem.heapTotal);
    uptime.set(Math.round(process.uptime() * 10) / 10);
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no WAL file between a TRUNCATE checkpoint and the next write
  }
}
