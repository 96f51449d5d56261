import type { Db } from '../../db/client.js';
import type { JobStore } from '../jobs/jobs.store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { MediaStorage } from '../media/media.storage.js';
import { getSetting, setSetting } from '../teams/teams.repository.js';
import { PROCESS_WEBHOOK_QUEUE } from '../whatsapp/webhook/webhook.ingest.js';
import {
  normalizeRetention,
  purgedMediaReason,
  RETENTION_LAST_RUN_SETTING,
  RETENTION_SETTING,
  retentionCutoff,
  type RetentionRun,
  type RetentionSettings,
} from './retention.models.js';

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  storage: MediaStorage;
  logger: Logger;
  jobs: Pick<JobStore, 'enqueue'>;
}

export interface RetentionOptions {
  /** Rows per write transaction: small, so the one write lock is never held for long. */
  batchSize?: number;
  /** Shutdown: stop between batches (what is done stays done; the next run goes on). */
  signal?: AbortSignal;
  /** Files touched by a put this recently are kept (a new message is about to use them). */
  fileGraceMs?: number;
  /** Runs between batches so requests and other jobs get the lock and the event loop; default: one turn. */
  pause?: () => Promise<void>;
}

const DEFAULT_BATCH = 500;
/** Longer than the media download lease (5 min) and an upload to Meta (2 min). */
const DEFAULT_FILE_GRACE_MS = 60 * 60_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The workspace's retention settings (defaults where unset). */
export function readRetention(db: Db): RetentionSettings {
  return normalizeRetention(getSetting<unknown>(db, RETENTION_SETTING, null));
}

/** Stores validated retention settings. */
export function saveRetention(db: Db, value: RetentionSettings): void {
  setSetting(db, RETENTION_SETTING, value);
}

/** The last run's outcome, or null before the first run. */
export function lastRetentionRun(db: Db): RetentionRun | null {
  return getSetting<RetentionRun | null>(db, RETENTION_LAST_RUN_SETTING, null);
}

/**
 * The `system.retention` job: deletes processed raw webhook bodies and purges media older than the
 * settings allow, in small batches. Records what it did for the settings page.
 */
export async function runRetention(deps: RetentionDeps, opts: RetentionOptions = {}): Promise<RetentionRun> {
  const settings = readRetention(deps.db);
  const at = deps.clock.now();
  const webhooks = await purgeOldWebhookEvents(deps, settings.webhookDays, opts);
  const media = await purgeOldMedia(deps, settings.mediaDays, opts);
  const run: RetentionRun = { at, webhookEventsDeleted: webhooks.deleted, ...media.counts, interrupted: webhooks.interrupted || media.interrupted };
  setSetting(deps.db, RETENTION_LAST_RUN_SETTING, run);
  if (run.webhookEventsDeleted || run.mediaPurged || run.interrupted) deps.logger.info('retention: removed old data', { ...run });
  return run;
}

/**
 * Deletes raw webhook bodies processed before the cut-off. Never one still `received` (not applied yet),
 * nor a failed one whose processing job may still retry: only finished or permanently failed events go.
 * Walks the table by id (ids follow arrival time), so it stops at the first event newer than the cut-off.
 */
export async function purgeOldWebhookEvents(deps: RetentionDeps, keepDays: number | null, opts: RetentionOptions = {}): Promise<{ deleted: number; interrupted: boolean }> {
  const cutoff = retentionCutoff(deps.clock.now(), keepDays);
  if (cutoff === null) return { deleted: 0, interrupted: false };
  const sqlite = deps.db.$client;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const pending = eventsAwaitingProcessing(deps.db);
  const page = sqlite.prepare(
    `SELECT id, state, received_at AS receivedAt, processed_at AS processedAt FROM webhook_events WHERE id > ? ORDER BY id LIMIT ?`,
  );
  // The state is checked again in the write: an event replayed meanwhile is `received` and stays.
  const remove = sqlite.prepare(`DELETE FROM webhook_events WHERE id = ? AND state <> 'received' AND processed_at < ?`);
  const removeBatch = sqlite.transaction((ids: number[]) => ids.reduce((n, id) => n + remove.run(id, cutoff).changes, 0));
  let after = 0;
  let deleted = 0;
  for (;;) {
    if (opts.signal?.aborted) return { deleted, interrupted: true };
    const rows = page.all(after, batchSize) as { id: number; state: string; receivedAt: number; processedAt: number | null }[];
    const young = rows.findIndex((r) => r.receivedAt >= cutoff);
    const old = young < 0 ? rows : rows.slice(0, young);
    const ids = old.filter((r) => r.state !== 'received' && r.processedAt !== null && r.processedAt < cutoff && !pending.has(r.id)).map((r) => r.id);
    if (ids.length) deleted += removeBatch.immediate(ids);
    if (young >= 0 || rows.length < batchSize) return { deleted, interrupted: false };
    after = rows[rows.length - 1]!.id;
    await (opts.pause ?? nextTurn)();
  }
}

/** Ids of webhook events a queued or running processing job will still read (a failed one may retry). */
function eventsAwaitingProcessing(db: Db): Set<number> {
  const rows = db.$client
    .prepare(`SELECT payload FROM jobs WHERE queue = ? AND state IN ('queued', 'running')`)
    .all(PROCESS_WEBHOOK_QUEUE) as { payload: string }[];
  const ids = new Set<number>();
  for (const r of rows) for (const id of (JSON.parse(r.payload) as { eventIds?: number[] }).eventIds ?? []) ids.add(id);
  return ids;
}

/**
 * Purges media that arrived (or was uploaded) before the cut-off: the row stays with state `purged`, the
 * reason and the date (updated_at), so the message keeps a placeholder. A file is shared by every row with
 * the same content (sha256), so it is deleted only when no row left un-purged still uses it. Media a
 * template mapping uses as its header (campaigns send it) are kept.
 */
export async function purgeOldMedia(
  deps: RetentionDeps,
  keepDays: number | null,
  opts: RetentionOptions = {},
): Promise<{ counts: Pick<RetentionRun, 'mediaPurged' | 'filesDeleted' | 'filesKept'>; interrupted: boolean }> {
  const counts = { mediaPurged: 0, filesDeleted: 0, filesKept: 0 };
  const cutoff = retentionCutoff(deps.clock.now(), keepDays);
  if (cutoff === null || keepDays === null) return { counts, interrupted: false };
  const sqlite = deps.db.$client;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const graceMs = opts.fileGraceMs ?? DEFAULT_FILE_GRACE_MS;
  const keep = templateHeaderMediaIds(deps.db);
  const reason = purgedMediaReason(keepDays);
  // rowid follows insertion, and so arrival time: the walk stops at the first row newer than the cut-off.
  const page = sqlite.prepare(`SELECT rowid AS rid, id, sha256, state, created_at AS createdAt FROM media WHERE rowid > ? ORDER BY rowid LIMIT ?`);
  const mark = sqlite.prepare(`UPDATE media SET state = 'purged', error = ?, updated_at = ? WHERE id = ? AND state = 'ready' AND created_at < ?`);
  const markBatch = sqlite.transaction((rows: { id: string; sha256: string | null }[], now: number) => {
    const keys = new Set<string>();
    let purged = 0;
    for (const r of rows) {
      if (mark.run(reason, now, r.id, cutoff).changes === 0) continue;
      purged++;
      if (r.sha256) keys.add(r.sha256);
    }
    // The files are deleted right after this commit; should the process die first (or the storage fail),
    // this job, committed with the marks, deletes them later.
    if (keys.size) deps.jobs.enqueue(DELETE_FILES_QUEUE, { keys: [...keys] } satisfies DeleteFilesPayload, { runAt: now + DELETE_FILES_DELAY_MS, maxAttempts: 20 });
    return { keys, purged };
  });
  let after = 0;
  for (;;) {
    if (opts.signal?.aborted) return { counts, interrupted: true };
    const rows = page.all(after, batchSize) as { rid: number; id: string; sha256: string | null; state: string; createdAt: number }[];
    const young = rows.findIndex((r) => r.createdAt >= cutoff);
    const old = young < 0 ? rows : rows.slice(0, young);
    const due = old.filter((r) => r.state === 'ready' && !keep.has(r.id));
    if (due.length) {
      const { keys, purged } = markBatch.immediate(due, deps.clock.now());
      counts.mediaPurged += purged;
      // After the commit: a row that takes this content from now on first touches the file (see put).
      const files = await deleteFiles(deps, [...keys], graceMs);
      counts.filesDeleted += files.deleted;
      counts.filesKept += files.kept;
      // Left to the delete-files job committed with the marks.
      if (files.failed.length) deps.logger.warn('retention: could not delete media files; the delete-files job retries', { count: files.failed.length, err: files.failed[0] });
    }
    if (young >= 0 || rows.length < batchSize) return { counts, interrupted: false };
    after = rows[rows.length - 1]!.rid;
    await (opts.pause ?? nextTurn)();
  }
}

export const DELETE_FILES_QUEUE = 'retention.delete-files';
/** After the purge's own attempt (never racing it); a file deleted then is simply missing for the job. */
const DELETE_FILES_DELAY_MS = 15 * 60_000;

export interface DeleteFilesPayload {
  keys: string[];
}

/**
 * `retention.delete-files`: deletes the files of purged media that no un-purged row uses (again). Throws
 * when a deletion failed, so the job retries with backoff; what was deleted stays deleted.
 */
export async function deletePurgedFiles(deps: Pick<RetentionDeps, 'db' | 'storage'>, keys: readonly string[], graceMs = DEFAULT_FILE_GRACE_MS): Promise<{ deleted: number; kept: number }> {
  const { deleted, kept, inUse, failed } = await deleteFiles(deps, keys, graceMs);
  if (failed.length) throw new Error(`${failed.length} of ${keys.length} media files could not be deleted (first: ${String(failed[0])})`, { cause: failed[0] });
  return { deleted, kept: kept + inUse };
}

/**
 * Deletes each file no un-purged row uses and no put touched within `graceMs`. Counts the deleted, the
 * kept for being recent, the in use; failures are returned, not thrown.
 */
async function deleteFiles(deps: Pick<RetentionDeps, 'db' | 'storage'>, keys: readonly string[], graceMs: number) {
  // No index on sha256: one scan per call, as a read outside the write lock (WAL readers block no one).
  const used = new Set(
    keys.length
      ? (deps.db.$client.prepare(`SELECT DISTINCT sha256 FROM media WHERE state <> 'purged' AND sha256 IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(keys)) as string[])
      : [],
  );
  let deleted = 0;
  let kept = 0;
  let inUse = 0;
  const failed: unknown[] = [];
  for (const key of keys) {
    if (used.has(key)) {
      inUse++;
      continue;
    }
    const outcome = await deps.storage.deleteIfIdle(key, graceMs).catch((err: unknown) => {
      failed.push(err);
      return 'failed' as const;
    });
    if (outcome === 'deleted') deleted++;
    else if (outcome === 'recent') kept++;
  }
  return { deleted, kept, inUse, failed };
}

/** Media ids template mappings send as their header (read from the templates' stored mapping JSON). */
function templateHeaderMediaIds(db: Db): Set<string> {
  const rows = db.$client
    .prepare(`SELECT json_extract(mapping, '$.headerMediaId') FROM templates WHERE json_valid(mapping) AND json_extract(mapping, '$.headerMediaId') IS NOT NULL`)
    .pluck()
    .all() as string[];
  return new Set(rows);
}
