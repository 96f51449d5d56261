import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { media } from '../../db/schema/whatsapp.js';
import { sha256Hex } from '../media/media.models.js';
import { createTestContext } from '../testing.js';
import { PROCESS_WEBHOOK_QUEUE } from '../whatsapp/webhook/webhook.ingest.js';
import { DEFAULT_RETENTION, RETENTION_SETTING } from './retention.models.js';
import { RETENTION_QUEUE, registerRetentionJobs } from './retention.jobs.js';
import { DELETE_FILES_QUEUE, deletePurgedFiles, lastRetentionRun, purgeOldMedia, purgeOldWebhookEvents, readRetention, runRetention, saveRetention, type DeleteFilesPayload } from './retention.usecases.js';

const DAY = 24 * 60 * 60 * 1000;

function setup() {
  const t = createTestContext();
  const sqlite = t.db.$client;
  const deps = t.deps;
  /** A raw webhook body received `ageDays` ago, in `state` (processed a minute later unless still `received`). */
  const webhook = (ageDays: number, state: 'received' | 'processed' | 'failed' | 'unroutable' = 'processed') => {
    const at = t.clock.now() - ageDays * DAY;
    return Number(
      sqlite
        .prepare(`INSERT INTO webhook_events (received_at, signature, signed_for, body, state, processed_at) VALUES (?, 'sha256=x', '', ?, ?, ?)`)
        .run(at, Buffer.from('{"object":"whatsapp_business_account"}'), state, state === 'received' ? null : at + 60_000).lastInsertRowid,
    );
  };
  const webhookIds = () => (sqlite.prepare('SELECT id FROM webhook_events ORDER BY id').pluck().all() as number[]);
  /** A ready media row (and its file) created `ageDays` ago; the same `bytes` share one stored file. */
  const mediaRow = async (ageDays: number, bytes: Buffer = randomBytes(64), state: 'ready' | 'pending' | 'failed' = 'ready') => {
    const key = sha256Hex(bytes);
    if (state === 'ready') await deps.storage.put(key, bytes);
    const at = t.clock.now() - ageDays * DAY;
    const id = `med_${randomBytes(5).toString('hex')}`;
    t.db.insert(media).values({ id, channelId: 'ch_1', direction: 'inbound', waMediaId: `wa-${id}`, mimeType: 'image/jpeg', size: bytes.length, sha256: state === 'ready' ? key : null, state, createdAt: at, updatedAt: at }).run();
    return { id, key };
  };
  const mediaState = (id: string) => sqlite.prepare('SELECT state, error, updated_at AS updatedAt FROM media WHERE id = ?').get(id) as { state: string; error: string | null; updatedAt: number };
  const fileExists = async (key: string) => {
    const f = await deps.storage.open(key);
    f?.stream.on('error', () => {}).destroy(); // only asked whether it exists
    return f !== null;
  };
  // Files in these tests were written a moment ago: no grace period, unless a test asks for one.
  const opts = { fileGraceMs: 0 };
  return { t, deps, sqlite, webhook, webhookIds, mediaRow, mediaState, fileExists, opts };
}

describe('retention settings', () => {
  it('defaults to a 30-day webhook archive and media kept forever, and reads what was saved', () => {
    const { t } = setup();
    expect(readRetention(t.db)).toEqual(DEFAULT_RETENTION);
    expect(DEFAULT_RETENTION).toEqual({ webhookDays: 30, mediaDays: null });
    saveRetention(t.db, { webhookDays: 7, mediaDays: 90 });
    expect(readRetention(t.db)).toEqual({ webhookDays: 7, mediaDays: 90 });
  });

  it('falls back field by field on a stored value it cannot read', () => {
    const { t, sqlite } = setup();
    sqlite.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`).run(RETENTION_SETTING, JSON.stringify({ webhookDays: 'ten', mediaDays: 5 }));
    expect(readRetention(t.db)).toEqual(DEFAULT_RETENTION);
  });
});

describe('raw webhook archive retention', () => {
  it('deletes processed and failed bodies older than the cut-off, never unprocessed ones', async () => {
    const { deps, webhook, webhookIds } = setup();
    const oldProcessed = webhook(40);
    const oldReceived = webhook(400, 'received');
    const oldFailed = webhook(35, 'failed');
    const oldUnroutable = webhook(33, 'unroutable');
    const recent = webhook(10);
    const result = await purgeOldWebhookEvents(deps, 30);
    expect(result).toEqual({ deleted: 3, interrupted: false });
    expect(webhookIds()).toEqual([oldReceived, recent]);
    expect([oldProcessed, oldFailed, oldUnroutable].some((id) => webhookIds().includes(id))).toBe(false);
  });

  it('keeps a failed body whose processing job may still retry', async () => {
    const { deps, webhook, webhookIds } = setup();
    const retrying = webhook(45, 'failed');
    const given = webhook(45, 'failed');
    deps.jobs.enqueue(PROCESS_WEBHOOK_QUEUE, { eventIds: [retrying] }, { runAt: deps.clock.now() + 60_000 });
    const dead = deps.jobs.enqueue(PROCESS_WEBHOOK_QUEUE, { eventIds: [given] })!;
    deps.jobs.fail(deps.jobs.claim(PROCESS_WEBHOOK_QUEUE, 1, 1_000)[0]!, 'boom', { permanent: true });
    expect(deps.jobs.get(dead)!.state).toBe('dead');
    await purgeOldWebhookEvents(deps, 30);
    expect(webhookIds()).toEqual([retrying]);
  });

  it('deletes in small batches with a pause between them, and stops at the first recent body', async () => {
    const { deps, webhook, webhookIds, sqlite } = setup();
    for (let i = 0; i < 7; i++) webhook(60 - i);
    const young = webhook(1);
    let pauses = 0;
    const result = await purgeOldWebhookEvents(deps, 30, {
      batchSize: 3,
      pause: async () => {
        pauses++;
        // Between batches no transaction is open: others get the write lock.
        expect(sqlite.inTransaction).toBe(false);
      },
    });
    expect(result.deleted).toBe(7);
    expect(pauses).toBe(2); // 3 + 3 + (1 and the young one, where the walk stops)
    expect(webhookIds()).toEqual([young]);
  });

  it('keeps everything when set to keep forever, and stops between batches at shutdown', async () => {
    const { deps, webhook, webhookIds } = setup();
    const ids = [webhook(100), webhook(90), webhook(80)];
    expect(await purgeOldWebhookEvents(deps, null)).toEqual({ deleted: 0, interrupted: false });
    const stop = new AbortController();
    const result = await purgeOldWebhookEvents(deps, 30, { batchSize: 1, signal: stop.signal, pause: async () => stop.abort() });
    expect(result).toEqual({ deleted: 1, interrupted: true });
    expect(webhookIds()).toEqual(ids.slice(1));
  });
});

describe('media retention', () => {
  it('purges old media to a dated placeholder, deletes the file, and leaves recent, pending and failed media alone', async () => {
    const { t, deps, mediaRow, mediaState, fileExists, opts } = setup();
    const old = await mediaRow(100);
    const recent = await mediaRow(10);
    const pending = await mediaRow(200, undefined, 'pending');
    const failed = await mediaRow(200, undefined, 'failed');
    t.clock.advance(1_000);
    const result = await purgeOldMedia(deps, 90, opts);
    expect(result).toEqual({ counts: { mediaPurged: 1, filesDeleted: 1, filesKept: 0 }, interrupted: false });
    expect(mediaState(old.id)).toEqual({ state: 'purged', error: 'Media removed after 90 days (retention)', updatedAt: t.clock.now() });
    expect(await fileExists(old.key)).toBe(false);
    expect(mediaState(recent.id).state).toBe('ready');
    expect(await fileExists(recent.key)).toBe(true);
    expect(mediaState(pending.id).state).toBe('pending');
    expect(mediaState(failed.id).state).toBe('failed');
  });

  it('keeps a shared file while a newer message still uses it, and deletes it once the last one is purged', async () => {
    const { t, deps, mediaRow, mediaState, fileExists, opts } = setup();
    const sticker = randomBytes(128);
    const first = await mediaRow(120, sticker);
    const second = await mediaRow(20, sticker);
    expect(first.key).toBe(second.key);
    expect((await purgeOldMedia(deps, 90, opts)).counts).toEqual({ mediaPurged: 1, filesDeleted: 0, filesKept: 0 });
    expect(mediaState(first.id).state).toBe('purged');
    expect(await fileExists(first.key)).toBe(true);

    t.clock.advance(80 * DAY);
    expect((await purgeOldMedia(deps, 90, opts)).counts).toEqual({ mediaPurged: 1, filesDeleted: 1, filesKept: 0 });
    expect(mediaState(second.id).state).toBe('purged');
    expect(await fileExists(first.key)).toBe(false);
  });

  it('deletes a shared file once when several old rows in one batch use it', async () => {
    const { deps, mediaRow, fileExists, opts } = setup();
    const bytes = randomBytes(32);
    const rows = [await mediaRow(100, bytes), await mediaRow(99, bytes), await mediaRow(98, bytes)];
    expect((await purgeOldMedia(deps, 90, { ...opts, batchSize: 2 })).counts).toEqual({ mediaPurged: 3, filesDeleted: 1, filesKept: 0 });
    expect(await fileExists(rows[0]!.key)).toBe(false);
  });

  it('keeps a file an upload or download touched within the grace period (a new message is about to use it)', async () => {
    const { deps, mediaRow, mediaState, fileExists } = setup();
    const old = await mediaRow(100);
    const result = await purgeOldMedia(deps, 90); // default grace: the file was written a moment ago
    expect(result.counts).toEqual({ mediaPurged: 1, filesDeleted: 0, filesKept: 1 });
    expect(mediaState(old.id).state).toBe('purged');
    expect(await fileExists(old.key)).toBe(true);
  });

  it('keeps media a template mapping sends as its header', async () => {
    const { t, deps, mediaRow, mediaState, sqlite, opts } = setup();
    const header = await mediaRow(300);
    sqlite
      .prepare(`INSERT INTO templates (id, waba_id, name, language, status, components, mapping, updated_at) VALUES ('tpl_1', 'w', 'promo', 'en', 'APPROVED', '[]', ?, ?)`)
      .run(JSON.stringify({ params: {}, headerMediaId: header.id }), t.clock.now());
    expect((await purgeOldMedia(deps, 90, opts)).counts.mediaPurged).toBe(0);
    expect(mediaState(header.id).state).toBe('ready');
  });

  it('a file the purge could not delete (storage failure, or a crash after the commit) is deleted by the job committed with the marks', async () => {
    const { t, deps, mediaRow, mediaState, fileExists, opts } = setup();
    const old = await mediaRow(100);
    const reused = await mediaRow(100);
    let failing = true;
    const flaky = { ...deps, storage: { ...deps.storage, deleteIfIdle: (key: string, idleMs: number) => (failing ? Promise.reject(new Error('storage unreachable')) : deps.storage.deleteIfIdle(key, idleMs)) } };
    expect((await purgeOldMedia(flaky, 90, opts)).counts).toEqual({ mediaPurged: 2, filesDeleted: 0, filesKept: 0 });
    expect(mediaState(old.id).state).toBe('purged');
    expect(await fileExists(old.key)).toBe(true);
    const job = t.db.$client.prepare(`SELECT payload, run_at AS runAt FROM jobs WHERE queue = ?`).get(DELETE_FILES_QUEUE) as { payload: string; runAt: number };
    const { keys } = JSON.parse(job.payload) as DeleteFilesPayload;
    expect(keys.sort()).toEqual([old.key, reused.key].sort());
    expect(job.runAt).toBe(t.clock.now() + 15 * 60_000); // after the purge's own attempt, never racing it
    // Meanwhile the same bytes arrived again in a new message: that file stays.
    await mediaRow(0, undefined, 'ready').then(() => t.db.$client.prepare(`UPDATE media SET sha256 = ?, state = 'ready' WHERE id = (SELECT id FROM media ORDER BY created_at DESC LIMIT 1)`).run(reused.key));
    // Still failing: the job throws (and retries with backoff).
    await expect(deletePurgedFiles(flaky, keys, 0)).rejects.toThrow('1 of 2 media files could not be deleted');
    failing = false;
    expect(await deletePurgedFiles(flaky, keys, 0)).toEqual({ deleted: 1, kept: 1 });
    expect(await fileExists(old.key)).toBe(false);
    expect(await fileExists(reused.key)).toBe(true);
    // Run again (a retry after a partial success): nothing left to do, no error.
    expect(await deletePurgedFiles(flaky, keys, 0)).toEqual({ deleted: 0, kept: 1 });
  });

  it('runs nothing when media are kept forever (the default)', async () => {
    const { deps, mediaRow, mediaState, opts } = setup();
    const old = await mediaRow(3000);
    expect((await purgeOldMedia(deps, null, opts)).counts.mediaPurged).toBe(0);
    expect(mediaState(old.id).state).toBe('ready');
  });
});

describe('the system.retention job', () => {
  it('applies the saved settings and records the run for the settings page', async () => {
    const { t, deps, webhook, mediaRow, mediaState, webhookIds } = setup();
    saveRetention(t.db, { webhookDays: 7, mediaDays: 30 });
    webhook(8);
    const kept = webhook(6);
    const old = await mediaRow(31);
    const run = await runRetention(deps, { fileGraceMs: 0 });
    expect(run).toEqual({ at: t.clock.now(), webhookEventsDeleted: 1, mediaPurged: 1, filesDeleted: 1, filesKept: 0, interrupted: false });
    expect(lastRetentionRun(t.db)).toEqual(run);
    expect(webhookIds()).toEqual([kept]);
    expect(mediaState(old.id).error).toBe('Media removed after 30 days (retention)');
  });

  it('registers the delete-files queue too: a due job with files already gone finishes done', async () => {
    const { deps } = setup();
    registerRetentionJobs(deps);
    const id = deps.jobs.enqueue(DELETE_FILES_QUEUE, { keys: ['a'.repeat(64)] } satisfies DeleteFilesPayload)!;
    deps.worker.start();
    for (let i = 0; i < 200 && deps.jobs.get(id)!.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
    await deps.worker.stop({ timeoutMs: 100 });
    expect(deps.jobs.get(id)!.state).toBe('done');
  });

  it('is a registered queue the worker runs', async () => {
    const { t, deps, webhook, webhookIds } = setup();
    registerRetentionJobs(deps);
    webhook(31);
    const id = deps.jobs.enqueue(RETENTION_QUEUE, {})!;
    deps.worker.start();
    for (let i = 0; i < 200 && deps.jobs.get(id)!.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
    await deps.worker.stop({ timeoutMs: 100 });
    expect(deps.jobs.get(id)!.state).toBe('done');
    expect(webhookIds()).toEqual([]);
    expect(lastRetentionRun(t.db)?.webhookEventsDeleted).toBe(1);
  });
});
