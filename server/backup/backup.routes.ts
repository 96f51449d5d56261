import { Hono } from 'hono';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { dataDirLayout } from '../system/data-dir.js';
import { BACKUP_SCHEDULES } from './backup.jobs.js';
import { MAX_BACKUP_KEEP, type BackupInfo } from './backup.models.js';
import { backupPath, createBackup, deleteBackup, isBackupRunning, listBackups, readBackupSettings, saveBackupSettings } from './backup.usecases.js';

const settingsBody = z.object({
  keep: z.number().int().min(1).max(MAX_BACKUP_KEEP),
  daily: z.boolean(),
});

/** A backup as the API shows it. */
export function backupToJson(b: BackupInfo) {
  return {
    name: b.name,
    size: b.size,
    createdAt: toIso(b.createdAt),
    kind: b.meta?.kind ?? null,
    appVersion: b.meta?.appVersion ?? null,
    counts: b.meta?.counts ?? null,
    media: b.meta?.media ?? null,
    downloadUrl: `/api/v1/backups/${encodeURIComponent(b.name)}/download`,
  };
}

/**
 * Backups (owners only: a backup holds every conversation and the sealed channel tokens): list, take one
 * now, download, delete, and the schedule's settings.
 */
export function createBackupRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>) {
  const { db, clock } = deps;
  const owners = requireRole('owner');
  const dir = dataDirLayout(deps.config.dataDir).backups;
  const settingsView = () => ({ ...readBackupSettings(db), schedule: BACKUP_SCHEDULES[0]!.cron, running: isBackupRunning(db.$client) });

  return new Hono<AppEnv>()
    .get('/backups', owners, (c) => c.json({ data: listBackups(dir).map(backupToJson) }))
    .post('/backups', owners, async (c) => {
      // The copy runs in small steps between other work, and the checks in a worker thread: requests go on.
      const info = await createBackup({ source: db.$client, backupsDir: dir, clock }, { kind: 'manual' });
      recordAudit(db, actorOf(c.get('auth')), { action: 'backup.created', entityType: 'backup', entityId: info.name, after: { size: info.size } }, clock.now());
      return c.json({ data: backupToJson(info) }, 201);
    })
    .get('/backups/:name/download', owners, (c) => {
      const path = backupPath(dir, c.req.param('name'));
      // Sized before the stream opens: a backup pruned in between is a 404, not a failed stream.
      const size = statSync(path, { throwIfNoEntry: false })?.size;
      if (size === undefined) throw notFound('backups.not_found', 'No such backup.');
      recordAudit(db, actorOf(c.get('auth')), { action: 'backup.downloaded', entityType: 'backup', entityId: c.req.param('name') }, clock.now());
      return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200, {
        'Content-Type': 'application/vnd.sqlite3',
        'Content-Length': String(size),
        'Content-Disposition': `attachment; filename="${c.req.param('name')}"`,
        'Cache-Control': 'no-store',
      });
    })
    .delete('/backups/:name', owners, (c) => {
      deleteBackup(dir, c.req.param('name'));
      recordAudit(db, actorOf(c.get('auth')), { action: 'backup.deleted', entityType: 'backup', entityId: c.req.param('name') }, clock.now());
      return c.body(null, 204);
    })
    .get('/settings/backups', owners, (c) => c.json({ data: settingsView() }))
    .put('/settings/backups', owners, async (c) => {
      const body = await readJson(c, settingsBody);
      const before = readBackupSettings(db);
      inTransaction(db, () => {
        saveBackupSettings(db, body);
        recordAudit(db, actorOf(c.get('auth')), { action: 'settings.updated', entityType: 'settings', entityId: 'backups', before, after: body }, clock.now());
      });
      return c.json({ data: settingsView() });
    });
}
