import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/client.js';
import { conflict, notFound } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { APP_VERSION } from '../system/version.js';
import { getSetting, setSetting } from '../teams/teams.repository.js';
import {
  BACKUP_FORMAT,
  BACKUP_META_TABLE,
  BACKUP_SETTINGS_KEY,
  backupName,
  backupsToPrune,
  isBackupName,
  normalizeBackupSettings,
  parseBackupMeta,
  type BackupInfo,
  type BackupKind,
  type BackupMeta,
  type BackupSettings,
} from './backup.models.js';
import { describeSnapshotOffThread } from './backup.worker.js';

/** Copy everything in one step: a script's own connection would otherwise restart on every server write. */
export const ALL_PAGES = 0x7fffffff;
/** The server copies from its own connection in small steps (its writes reach the copy as they happen). */
export const SERVER_PAGES_PER_STEP = 100;
const PARTIAL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface BackupDeps {
  /** The connection to copy from: the server's own, or a script's. */
  source: Database.Database;
  backupsDir: string;
  clock: Clock;
}

const running = new WeakMap<Database.Database, Promise<BackupInfo>>();

/** Whether a backup of this connection is being written by this process. */
export function isBackupRunning(source: Database.Database): boolean {
  return running.has(source);
}

/**
 * Writes a consistent snapshot of `source` into `backupsDir` as one file, never blocking writers: SQLite's
 * online backup API reads under WAL while commits go on. The copy is written under a dot-name and renamed
 * only once it is complete, checked (`quick_check`), described and on disk, so a partial backup never
 * looks like one. 409 `backups.in_progress` while another backup of the same connection runs.
 */
export function createBackup(deps: BackupDeps, opts: { kind: BackupKind; pagesPerStep?: number }): Promise<BackupInfo> {
  if (running.has(deps.source)) throw conflict('backups.in_progress', 'A backup is already being written; try again when it is done.');
  const run = writeBackup(deps, opts).finally(() => running.delete(deps.source));
  running.set(deps.source, run);
  return run;
}

async function writeBackup(deps: BackupDeps, opts: { kind: BackupKind; pagesPerStep?: number }): Promise<BackupInfo> {
  const dir = deps.backupsDir;
  mkdirSync(dir, { recursive: true });
  removeStalePartials(dir);
  const createdAt = deps.clock.now();
  const { name, partial } = reserveName(dir, createdAt);
  try {
    // A passive checkpoint never waits for or blocks anyone; it only shortens what the copy reads from the WAL.
    deps.source.pragma('wal_checkpoint(PASSIVE)');
    const pages = opts.pagesPerStep ?? SERVER_PAGES_PER_STEP;
    await deps.source.backup(partial, { progress: () => pages });
    const meta = await describeSnapshot(partial, { kind: opts.kind, createdAt });
    await fsyncPath(partial);
    const final = join(dir, name);
    renameSync(partial, final);
    await fsyncPath(dir);
    return { name, size: statSync(final).size, createdAt, meta };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Picks the file name and creates its partial file exclusively, so a script and the server never share one. */
function reserveName(dir: string, at: number): { name: string; partial: string } {
  for (;;) {
    const name = backupName(at, (n) => existsSync(join(dir, n)) || existsSync(join(dir, `.${n}.partial`)));
    const partial = join(dir, `.${name}.partial`);
    try {
      closeSync(openSync(partial, 'wx'));
      return { name, partial };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Left by a run that crashed or was killed; a running one is far younger than a day (file times are wall-clock). */
function removeStalePartials(dir: string, now = Date.now()) {
  for (const f of readdirSync(dir)) {
    if (!f.startsWith('.parley-') || !f.endsWith('.partial')) continue;
    const st = statSync(join(dir, f), { throwIfNoEntry: false });
    if (st && now - st.mtimeMs > PARTIAL_MAX_AGE_MS) rmSync(join(dir, f), { force: true });
  }
}

/** Checks the copy and writes its description and media manifest into it (off the event loop). */
async function describeSnapshot(file: string, o: { kind: BackupKind; createdAt: number }): Promise<BackupMeta> {
  const base = { format: BACKUP_FORMAT, kind: o.kind, createdAt: o.createdAt, appVersion: APP_VERSION };
  const facts = await describeSnapshotOffThread(file, base);
  if (facts.problems.length) throw new Error(`The snapshot failed quick_check: ${facts.problems.slice(0, 3).join('; ')}`);
  return { ...base, migrations: facts.migrations, counts: facts.counts, media: facts.media };
}

/** fsync through the thread pool: flushing a large new file can take seconds. */
async function fsyncPath(path: string) {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The description stored in a backup file, or null when it has none (e.g. a plain copy of parley.db). */
export function readBackupMeta(file: string): BackupMeta | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare(`SELECT value FROM ${BACKUP_META_TABLE} WHERE key = 'backup'`).get() as { value: string } | undefined;
    return row ? parseBackupMeta(row.value) : null;
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** Finished backups in `dir`, newest first. */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isBackupName)
    .flatMap((name) => {
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      if (!st?.isFile()) return [];
      const meta = readBackupMeta(join(dir, name));
      return [{ name, size: st.size, createdAt: meta?.createdAt ?? st.mtimeMs, meta }];
    })
    .sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name));
}

/** The path of a finished backup by name; 404 `backups.not_found` for anything else (no path tricks). */
export function backupPath(dir: string, name: string): string {
  const path = join(dir, name);
  if (!isBackupName(name) || !existsSync(path)) throw notFound('backups.not_found', 'No such backup.');
  return path;
}

/** Deletes one backup file. */
export function deleteBackup(dir: string, name: string): void {
  rmSync(backupPath(dir, name));
}

/** Removes scheduled backups beyond the newest `keep`; returns their names. */
export function pruneBackups(dir: string, keep: number): string[] {
  const names = backupsToPrune(listBackups(dir), keep);
  for (const name of names) rmSync(join(dir, name), { force: true });
  return names;
}

/** The workspace's backup settings (defaults where unset). */
export function readBackupSettings(db: Db): BackupSettings {
  return normalizeBackupSettings(getSetting<unknown>(db, BACKUP_SETTINGS_KEY, null));
}

/** Stores backup settings (validated at the edge). */
export function saveBackupSettings(db: Db, value: BackupSettings): void {
  setSetting(db, BACKUP_SETTINGS_KEY, value);
}

/**
 * The daily `backup.create` job: a scheduled backup from the server's own connection, then the scheduled
 * backups beyond the kept number are removed. Skipped when the schedule is off or a backup is running.
 */
export async function runScheduledBackup(deps: { db: Db; backupsDir: string; clock: Clock; logger: Logger }): Promise<BackupInfo | null> {
  const settings = readBackupSettings(deps.db);
  const source = deps.db.$client;
  if (!settings.daily || isBackupRunning(source)) return null;
  const started = performance.now();
  const info = await createBackup({ source, backupsDir: deps.backupsDir, clock: deps.clock }, { kind: 'scheduled' });
  const pruned = pruneBackups(deps.backupsDir, settings.keep);
  deps.logger.info('backup: written', { name: info.name, bytes: info.size, ms: Math.round(performance.now() - started), pruned });
  return info;
}
