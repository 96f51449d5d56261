import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueScheduledRun } from '../jobs/jobs.schedules.js';
import { createTestContext } from '../testing.js';
import { BACKUP_QUEUE, BACKUP_SCHEDULES, registerBackupJobs } from './backup.jobs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const context = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-backup-routes-'));
  dirs.push(dataDir);
  return { ...createTestContext({ env: { DATA_DIR: dataDir } }), backups: join(dataDir, 'backups') };
};

describe('/api/v1/backups', () => {
  it('takes a backup now, lists it, downloads the file, and deletes it, with audit entries', async () => {
    const { request, signIn, backups } = context();
    const { cookie } = await signIn('owner');
    expect((await (await request('/api/v1/backups', { cookie })).json()).data).toEqual([]);

    const made = await request('/api/v1/backups', { method: 'POST', cookie });
    expect(made.status).toBe(201);
    const backup = (await made.json()).data;
    expect(backup).toMatchObject({ name: 'parley-2026-11-23T090000Z.db', kind: 'manual', counts: { users: 1 }, media: { files: 0, bytes: 0 } });
    expect(backup.createdAt).toBe('2026-11-23T09:00:00.000Z');
    expect(readdirSync(backups)).toEqual([backup.name]);
    expect((await (await request('/api/v1/backups', { cookie })).json()).data).toEqual([backup]);

    const download = await request(backup.downloadUrl, { cookie });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${backup.name}"`);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(backup.size);
    expect(Number(download.headers.get('content-length'))).toBe(backup.size);
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');

    expect((await request(`/api/v1/backups/${backup.name}`, { method: 'DELETE', cookie })).status).toBe(204);
    expect(existsSync(join(backups, backup.name))).toBe(false);
    expect((await request(`/api/v1/backups/${backup.name}/download`, { cookie })).status).toBe(404);
    const audit = (await (await request('/api/v1/audit?entityType=backup', { cookie })).json()).data.map((a: { action: string }) => a.action);
    expect(audit).toEqual(['backup.deleted', 'backup.downloaded', 'backup.created']);
  });

  it('serves only backup files by name (no paths out of the folder)', async () => {
    const { request, signIn } = context();
    const { cookie } = await signIn('owner');
    for (const name of ['..%2Fparley.db', '..%2F..%2Fsecret.key', 'secret.key', '.parley-2026-11-23T090000Z.db.partial']) {
      const res = await request(`/api/v1/backups/${name}/download`, { cookie });
      expect(res.status, name).toBe(404);
    }
  });

  it('keeps backup settings: defaults, validation, save', async () => {
    const { request, signIn } = context();
    const { cookie } = await signIn('owner');
    expect((await (await request('/api/v1/settings/backups', { cookie })).json()).data).toEqual({ keep: 7, daily: true, schedule: '17 3 * * *', running: false });
    const bad = await request('/api/v1/settings/backups', { method: 'PUT', cookie, body: { keep: 0, daily: true } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^keep:/);
    const ok = await request('/api/v1/settings/backups', { method: 'PUT', cookie, body: { keep: 14, daily: false } });
    expect((await ok.json()).data).toMatchObject({ keep: 14, daily: false });
    expect((await (await request('/api/v1/settings/backups', { cookie })).json()).data).toMatchObject({ keep: 14, daily: false });
  });

  it.each([
    ['GET', '/api/v1/backups'],
    ['POST', '/api/v1/backups'],
    ['GET', '/api/v1/backups/parley-2026-11-23T090000Z.db/download'],
    ['DELETE', '/api/v1/backups/parley-2026-11-23T090000Z.db'],
    ['GET', '/api/v1/settings/backups'],
    ['PUT', '/api/v1/settings/backups'],
  ])('%s %s is for the owner only (admins and agents get 403, no session 401)', async (method, path) => {
    const { request, signIn, backups } = context();
    const body = method === 'PUT' ? { keep: 3, daily: true } : undefined;
    for (const role of ['admin', 'agent'] as const) {
      const { cookie } = await signIn(role);
      expect((await request(path, { method, cookie, body })).status).toBe(403);
    }
    expect((await request(path, { method, body })).status).toBe(401);
    expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([]);
  });
});

describe('the backup.create job', () => {
  it('takes a nightly backup when the schedule fires, once per slot', async () => {
    const { deps, backups, clock } = context();
    registerBackupJobs(deps);
    const at = new Date(clock.now());
    expect(enqueueScheduledRun(deps.jobs, BACKUP_SCHEDULES[0]!, at)).not.toBeNull();
    expect(enqueueScheduledRun(deps.jobs, BACKUP_SCHEDULES[0]!, at)).toBeNull();
    deps.worker.start();
    try {
      const deadline = Date.now() + 10_000;
      while (!(existsSync(backups) && readdirSync(backups).some((f) => f.endsWith('.db')))) {
        if (Date.now() > deadline) throw new Error('no backup written');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await deps.worker.stop({ timeoutMs: 5_000 });
    }
    expect(readdirSync(backups)).toEqual(['parley-2026-11-23T090000Z.db']);
    expect(deps.jobs.list({ queue: BACKUP_QUEUE, limit: 10 }).map((j) => j.state)).toEqual(['done']);
  });
});
