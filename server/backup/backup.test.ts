import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDb, openDb, type Db } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createSecretBox } from '../lib/secret-box.js';
import { prepareDataDir, type DataDirLayout } from '../system/data-dir.js';
import { restoreBackup, RestoreError } from './backup.restore.js';
import { SERVER_MARKER } from './backup.server-lock.js';
import { ALL_PAGES, createBackup, listBackups, readBackupMeta, runScheduledBackup, saveBackupSettings } from './backup.usecases.js';

const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.$client.open) db.$client.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, prepared data dir, removed after the test. */
const emptyDataDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return prepareDataDir(dir);
};

function dataDir(): { layout: DataDirLayout; db: Db } {
  const layout = emptyDataDir('parley-backup-');
  const db = openDb(layout.dbFile);
  migrateDb(db);
  open.push(db);
  return { layout, db };
}

const sha = (n: number) => n.toString(16).padStart(64, '0');
const KEY = randomBytes(32);

function seed(db: Db, contacts: number, from = 0) {
  const sql = db.$client;
  const add = sql.prepare('INSERT INTO contacts (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)');
  sql.transaction(() => {
    for (let i = from; i < from + contacts; i++) add.run(`ct_${i}`, `Contact ${i}`);
  })();
}

function seedMediaAndChannel(db: Db) {
  const addMedia = db.$client.prepare("INSERT INTO media (id, channel_id, direction, size, sha256, state, created_at, updated_at) VALUES (?, 'ch_1', 'inbound', ?, ?, ?, 1, 1)");
  addMedia.run('med_1', 10, sha(1), 'ready');
  addMedia.run('med_2', 10, sha(1), 'ready'); // the same bytes twice: one file
  addMedia.run('med_3', 20, sha(2), 'ready');
  addMedia.run('med_4', null, null, 'pending');
  addMedia.run('med_5', 30, sha(3), 'purged');
  const box = createSecretBox(KEY);
  db.$client
    .prepare("INSERT INTO channels (id, name, phone_number_id, access_token_enc, app_secret_enc, verify_token_enc, created_at, updated_at) VALUES ('ch_1', 'WA', '123456', ?, ?, ?, 1, 1)")
    .run(box.seal('token'), box.seal('secret'), box.seal('verify'));
}

const count = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

const restoreInput = (layout: DataDirLayout, source: string, extra: Partial<Parameters<typeof restoreBackup>[0]> = {}) => ({
  layout,
  source,
  now: Date.UTC(2026, 11, 2, 8, 0, 0),
  secretKey: KEY,
  checkLocalMedia: true,
  knownMigrations: 1000,
  ...extra,
});

describe('online backup', () => {
  it('writes one self-describing file: counts, app version and the media manifest, with no partial left', async () => {
    const { layout, db } = dataDir();
    seed(db, 25);
    seedMediaAndChannel(db);
    const clock = manualClock(Date.UTC(2026, 11, 1, 3, 0, 0));
    const info = await createBackup({ source: db.$client, backupsDir: layout.backups, clock }, { kind: 'manual' });

    expect(info.name).toBe('parley-2026-12-01T030000Z.db');
    expect(readdirSync(layout.backups)).toEqual([info.name]);
    expect(info.meta).toMatchObject({ kind: 'manual', createdAt: clock.now(), counts: { contacts: 25, media: 5 }, media: { files: 2, bytes: 30 } });
    expect(info.meta!.migrations).toBeGreaterThan(10);
    expect(listBackups(layout.backups)).toEqual([info]);
    const file = new Database(join(layout.backups, info.name), { readonly: true });
    expect(file.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(file.prepare('SELECT key, size FROM parley_backup_media ORDER BY key').all()).toEqual([
      { key: sha(1), size: 10 },
      { key: sha(2), size: 20 },
    ]);
    file.close();

    // The same second again: a distinct name, never an overwrite.
    const again = await createBackup({ source: db.$client, backupsDir: layout.backups, clock }, { kind: 'manual' });
    expect(again.name).toBe('parley-2026-12-01T030000Z-2.db');
  });

  it('holds every row committed before it started while the same connection keeps writing', async () => {
    const { layout, db } = dataDir();
    seed(db, 2000);
    const clock = manualClock();
    // One page per step: the copy spans many turns, and a write lands between most of them.
    const backup = createBackup({ source: db.$client, backupsDir: layout.backups, clock }, { kind: 'manual', pagesPerStep: 1 });
    let written = 0;
    const writer = setInterval(() => seed(db, 1, 10_000 + written++), 0);
    const info = await backup.finally(() => clearInterval(writer));
    expect(written).toBeGreaterThan(5);
    const file = join(layout.backups, info.name);
    const inCopy = count(file, 'contacts');
    expect(inCopy).toBeGreaterThanOrEqual(2000);
    expect(inCopy).toBeLessThanOrEqual(2000 + written);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('leaves nothing that looks like a backup when it fails, and runs one at a time', async () => {
    const { layout, db } = dataDir();
    const source = new Database(layout.dbFile);
    source.close();
    await expect(createBackup({ source, backupsDir: layout.backups, clock: manualClock() }, { kind: 'manual' })).rejects.toThrow();
    expect(readdirSync(layout.backups)).toEqual([]);

    const first = createBackup({ source: db.$client, backupsDir: layout.backups, clock: manualClock() }, { kind: 'manual', pagesPerStep: 1 });
    expect(() => createBackup({ source: db.$client, backupsDir: layout.backups, clock: manualClock() }, { kind: 'manual' })).toThrow(/already being written/);
    await first;
    expect(listBackups(layout.backups)).toHaveLength(1);
  });

  it('keeps the newest scheduled backups, never prunes manual ones, and skips when the schedule is off', async () => {
    const { layout, db } = dataDir();
    const clock = manualClock(Date.UTC(2026, 11, 1, 3, 17, 0));
    saveBackupSettings(db, { keep: 2, daily: true });
    const manual = await createBackup({ source: db.$client, backupsDir: layout.backups, clock }, { kind: 'manual', pagesPerStep: ALL_PAGES });
    const scheduled = [];
    for (let day = 0; day < 3; day++) {
      clock.advance(24 * 3600_000);
      scheduled.push((await runScheduledBackup({ db, backupsDir: layout.backups, clock, logger: silentLogger }))!.name);
    }
    expect(listBackups(layout.backups).map((b) => b.name)).toEqual([scheduled[2], scheduled[1], manual.name]);

    saveBackupSettings(db, { keep: 2, daily: false });
    expect(await runScheduledBackup({ db, backupsDir: layout.backups, clock, logger: silentLogger })).toBeNull();
  });
});

describe('restore', () => {
  async function backupOf(db: Db, layout: DataDirLayout) {
    const info = await createBackup({ source: db.$client, backupsDir: layout.backups, clock: manualClock(Date.UTC(2026, 11, 1, 3, 0, 0)) }, { kind: 'manual' });
    return join(layout.backups, info.name);
  }

  it('checks the copy, keeps the replaced database with its WAL, drops stale -wal/-shm and reports counts and missing media', async () => {
    const origin = dataDir();
    seed(origin.db, 40);
    seedMediaAndChannel(origin.db);
    const file = await backupOf(origin.db, origin.layout);

    // A target whose server was killed: its database has committed rows still in the WAL.
    const target = dataDir();
    target.db.$client.pragma('wal_autocheckpoint = 0');
    seed(target.db, 3, 500);
    const killed = emptyDataDir('parley-killed-');
    for (const ext of ['', '-wal', '-shm']) copyFileSync(target.layout.dbFile + ext, killed.dbFile + ext);
    mkdirSync(join(killed.media, sha(1).slice(0, 2), sha(1).slice(2, 4)), { recursive: true });
    writeFileSync(join(killed.media, sha(1).slice(0, 2), sha(1).slice(2, 4), sha(1)), Buffer.alloc(10));

    const report = restoreBackup(restoreInput(killed, file));
    expect(report.counts).toMatchObject({ contacts: 40, media: 5 });
    expect(report.meta?.kind).toBe('manual');
    expect(report.keptAs).toBe(`${killed.dbFile}.before-restore-2026-12-02T080000Z`);
    expect(count(report.keptAs!, 'contacts')).toBe(3); // the old WAL went along with it
    expect(existsSync(`${killed.dbFile}-wal`)).toBe(false);
    expect(existsSync(`${killed.dbFile}-shm`)).toBe(false);
    expect(report.media).toEqual({ listed: 2, missing: [sha(2)], checked: true });
    expect(report.warnings.join('\n')).toMatch(/1 of 2 media files .* missing/);
    expect(report.warnings.join('\n')).not.toMatch(/decrypt/);

    const restored = new Database(killed.dbFile);
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((restored.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n).toBe(40);
    expect(restored.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'parley_backup%'").all()).toEqual([]);
    restored.close();
  });

  it('warns when channel tokens do not decrypt with the data dir key, and finds a backup by name', async () => {
    const origin = dataDir();
    seedMediaAndChannel(origin.db);
    const file = await backupOf(origin.db, origin.layout);
    const target = emptyDataDir('parley-fresh-');
    copyFileSync(file, join(target.backups, 'parley-2026-12-01T030000Z.db'));
    const report = restoreBackup(restoreInput(target, 'parley-2026-12-01T030000Z', { secretKey: randomBytes(32) }));
    expect(report.keptAs).toBeNull();
    expect(report.warnings.join('\n')).toMatch(/1 of 1 channel tokens do not decrypt/);
    const noKey = restoreBackup(restoreInput(emptyDataDir('parley-fresh-'), file, { secretKey: null }));
    expect(noKey.warnings.join('\n')).toMatch(/no secret.key/);
  });

  it('refuses while the database is open elsewhere; a stale marker from a killed server does not block', async () => {
    const origin = dataDir();
    seed(origin.db, 5);
    const file = await backupOf(origin.db, origin.layout);
    const before = readFileSync(origin.layout.dbFile);
    expect(() => restoreBackup(restoreInput(origin.layout, file))).toThrow(/Refusing to restore: .* is open in another process/);
    expect(readFileSync(origin.layout.dbFile).equals(before)).toBe(true);
    expect(readdirSync(origin.layout.root).filter((f) => f.includes('restor'))).toEqual([]);

    origin.db.$client.close();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(origin.layout.root, SERVER_MARKER), `${dead}\n`);
    expect(restoreBackup(restoreInput(origin.layout, file)).counts.contacts).toBe(5);
    expect(existsSync(join(origin.layout.root, SERVER_MARKER))).toBe(false);
  });

  it('refuses a live marker of a running server, a damaged file and a backup from a newer Parley, changing nothing', async () => {
    const origin = dataDir();
    const file = await backupOf(origin.db, origin.layout);
    origin.db.$client.close();
    const target = emptyDataDir('parley-target-');

    expect(() => restoreBackup(restoreInput(target, file, { knownMigrations: 1 }))).toThrow(/made by a newer Parley/);
    const damaged = join(target.tmp, 'damaged.db');
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 4096 * 2, 4096 * 6);
    writeFileSync(damaged, bytes);
    expect(() => restoreBackup(restoreInput(target, damaged))).toThrow();
    expect(() => restoreBackup(restoreInput(target, join(target.tmp, 'nope.db')))).toThrow(RestoreError);
    expect(existsSync(target.dbFile)).toBe(false);
    expect(readdirSync(target.root).filter((f) => f.includes('restor'))).toEqual([]);

    // A live process that looks like the server (a server starting up: marker written, database not open yet).
    const server = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', 'dist/server/main.js'], { stdio: 'ignore' });
    writeFileSync(join(target.root, SERVER_MARKER), `${server.pid}\n`);
    try {
      expect(() => restoreBackup(restoreInput(target, file))).toThrow(new RegExp(`Parley is running on .* \\(pid ${server.pid}`));
    } finally {
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
    }
    expect(restoreBackup(restoreInput(target, file)).keptAs).toBeNull();
  });
});
