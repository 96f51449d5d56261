import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSecretBox } from '../lib/secret-box.js';
import type { DataDirLayout } from '../system/data-dir.js';
import { BACKUP_MEDIA_TABLE, BACKUP_META_TABLE, COUNTED_TABLES, parseBackupMeta, type BackupMeta } from './backup.models.js';
import { serverRunningReason } from './backup.server-lock.js';

/** A restore that cannot go ahead; the script prints the message and exits 1. Nothing was changed. */
export class RestoreError extends Error {
  override name = 'RestoreError';
}

export interface RestoreInput {
  layout: DataDirLayout;
  /** A backup file's path, or the name of one in DATA_DIR/backups. */
  source: string;
  now: number;
  /** The data dir's secret key (SECRET_KEY or secret.key); null when it has none yet. */
  secretKey: Buffer | null;
  /** False when media live in S3: the manifest is not checked against local files. */
  checkLocalMedia: boolean;
  /** Migrations this code ships: a backup from a newer Parley is refused. */
  knownMigrations: number;
}

export interface RestoreReport {
  source: string;
  meta: BackupMeta | null;
  /** Where the replaced database was kept (null when the data dir had none). */
  keptAs: string | null;
  counts: Record<string, number>;
  media: { listed: number; missing: string[]; checked: boolean };
  warnings: string[];
}

/**
 * Restores a backup into a stopped data dir: refuses while a server uses it, checks the copy with
 * `PRAGMA integrity_check`, keeps the replaced database as `parley.db.before-restore-<time>` (with its
 * WAL, if one was left), removes stale -wal/-shm so SQLite cannot replay them onto the restored file,
 * and reports counts and media files the backup refers to that are missing from the media store.
 */
export function restoreBackup(input: RestoreInput): RestoreReport {
  const { layout } = input;
  const busy = serverRunningReason(layout.root, layout.dbFile);
  if (busy) throw new RestoreError(`Refusing to restore: ${busy}. Stop Parley first (docker stop parley, or Ctrl-C / systemctl stop), then run the restore again.`);
  const source = resolveSource(layout, input.source);
  const restoring = `${layout.dbFile}.restoring`;
  rmSync(restoring, { force: true });
  copyFileSync(source, restoring);

  let prepared: Omit<RestoreReport, 'keptAs' | 'source' | 'media'> & { manifest: Array<{ key: string; size: number | null }> };
  try {
    prepared = prepareCopy(restoring, input);
    fsyncPath(restoring);
  } catch (err) {
    rmSync(restoring, { force: true });
    throw err;
  }

  const stamp = new Date(input.now).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  let keptAs: string | null = null;
  if (existsSync(layout.dbFile)) {
    keptAs = `${layout.dbFile}.before-restore-${stamp}`;
    // A second name for the old file, then one rename of the copy over it: a crash in between leaves
    // either the old database or the restored one in place, never none (a boot would start empty).
    linkSync(layout.dbFile, keptAs);
    // Committed transactions a killed server left in the WAL belong to the kept copy, not the restored one
    // (the lock probe's connection usually folded them in when it closed; this covers a file it could not open).
    if (existsSync(`${layout.dbFile}-wal`)) renameSync(`${layout.dbFile}-wal`, `${keptAs}-wal`);
  }
  rmSync(`${layout.dbFile}-wal`, { force: true });
  rmSync(`${layout.dbFile}-shm`, { force: true });
  renameSync(restoring, layout.dbFile);
  fsyncPath(layout.root);

  const missing = input.checkLocalMedia ? prepared.manifest.filter((m) => !hasMediaFile(layout.media, m.key, m.size)).map((m) => m.key) : [];
  const warnings = [...prepared.warnings];
  if (!input.checkLocalMedia && prepared.manifest.length) warnings.push(`Media are in S3: the ${prepared.manifest.length} files the backup refers to were not checked.`);
  if (missing.length) warnings.push(`${missing.length} of ${prepared.manifest.length} media files the backup refers to are missing from ${layout.media}: copy the media folder of the old data dir too.`);
  return { source, meta: prepared.meta, keptAs, counts: prepared.counts, media: { listed: prepared.manifest.length, missing, checked: input.checkLocalMedia }, warnings };
}

/** A path, or a backup's name (with or without `.db`) in DATA_DIR/backups; never the live database itself. */
function resolveSource(layout: DataDirLayout, source: string): string {
  const candidates = [source, join(layout.backups, source), join(layout.backups, `${source}.db`)];
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!found) throw new RestoreError(`No backup file at ${source} (looked in ${layout.backups} too).`);
  const path = resolve(found);
  if (existsSync(layout.dbFile) && realpathSync(path) === realpathSync(layout.dbFile)) throw new RestoreError(`${path} is the live database itself; pick a backup file.`);
  return path;
}

/** Checks and cleans the copy that will become parley.db; reads its description, manifest and counts. */
function prepareCopy(file: string, input: RestoreInput) {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    throw new RestoreError(`${input.source} is not a SQLite database (${err instanceof Error ? err.message : String(err)}).`);
  }
  try {
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).filter((v) => v !== 'ok');
    if (problems.length) throw new RestoreError(`${input.source} failed PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}. Pick another backup.`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    if (!tables.has('__drizzle_migrations')) throw new RestoreError(`${input.source} is not a Parley database (it has no migrations table).`);
    const warnings: string[] = [];
    let meta: BackupMeta | null = null;
    if (tables.has(BACKUP_META_TABLE)) {
      const row = db.prepare(`SELECT value FROM ${BACKUP_META_TABLE} WHERE key = 'backup'`).get() as { value: string } | undefined;
      meta = row ? parseBackupMeta(row.value) : null;
    } else {
      warnings.push('The file carries no backup description (a plain copy of parley.db?): restored as is.');
    }
    const manifest = tables.has(BACKUP_MEDIA_TABLE)
      ? (db.prepare(`SELECT key, size FROM ${BACKUP_MEDIA_TABLE}`).all() as Array<{ key: string; size: number | null }>)
      : tables.has('media')
        ? (db.prepare("SELECT sha256 AS key, max(size) AS size FROM media WHERE state = 'ready' AND sha256 IS NOT NULL GROUP BY sha256").all() as Array<{ key: string; size: number | null }>)
        : [];
    const migrations = (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    if (migrations > input.knownMigrations) {
      throw new RestoreError(`${input.source} was made by a newer Parley (${migrations} migrations; this one knows ${input.knownMigrations}). Upgrade Parley first, then restore.`);
    }
    // The restored database is the live one again: it must not describe itself as a backup.
    db.exec(`DROP TABLE IF EXISTS ${BACKUP_META_TABLE}; DROP TABLE IF EXISTS ${BACKUP_MEDIA_TABLE};`);
    const counts: Record<string, number> = {};
    for (const t of COUNTED_TABLES) if (tables.has(t)) counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    const keyWarning = tables.has('channels') ? checkChannelSecrets(db, input.secretKey) : null;
    if (keyWarning) warnings.push(keyWarning);
    return { meta, counts, manifest, warnings };
  } finally {
    db.close();
  }
}

/** Channel tokens are sealed with the data dir's key: a backup restored beside another key cannot read them. */
function checkChannelSecrets(db: Database.Database, key: Buffer | null): string | null {
  const sealed = db.prepare('SELECT access_token_enc AS v FROM channels').all() as Array<{ v: string }>;
  if (!sealed.length) return null;
  if (!key) return `This data dir has no secret.key: copy the secret.key of the server that made the backup into it (or set SECRET_KEY), or the ${sealed.length} channel tokens cannot be read.`;
  const box = createSecretBox(key);
  const unreadable = sealed.filter((s) => {
    try {
      box.open(s.v);
      return false;
    } catch {
      return true;
    }
  }).length;
  return unreadable ? `${unreadable} of ${sealed.length} channel tokens do not decrypt with this data dir's secret key: copy the secret.key of the server that made the backup (or set SECRET_KEY), or re-enter the tokens in Settings.` : null;
}

/** Media are stored at media/ab/cd/<sha256>. */
function hasMediaFile(mediaDir: string, key: string, size: number | null): boolean {
  if (!/^[0-9a-f]{64}$/.test(key)) return false;
  const st = statSync(join(mediaDir, key.slice(0, 2), key.slice(2, 4), key), { throwIfNoEntry: false });
  return Boolean(st?.isFile() && (size === null || st.size === size));
}

function fsyncPath(path: string) {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
