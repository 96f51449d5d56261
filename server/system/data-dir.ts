import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A data directory that cannot be used; the boot prints the message and exits 1. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

export interface DataDirLayout {
  root: string;
  dbFile: string;
  media: string;
  backups: string;
  tmp: string;
  secretKeyFile: string;
}

/** The one place Parley writes to: `parley.db` (+WAL), `media/`, `backups/`, `tmp/`, `secret.key`. */
export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    dbFile: join(root, 'parley.db'),
    media: join(root, 'media'),
    backups: join(root, 'backups'),
    tmp: join(root, 'tmp'),
    secretKeyFile: join(root, 'secret.key'),
  };
}

export interface DataDirChecks {
  /** Refuse to start with less free space than this (bytes); 0 skips the check. */
  minFreeBytes?: number;
  /** Free bytes on the data dir's disk (tests pass a stand-in). */
  freeBytes?: (path: string) => number;
}

const MB = 1024 * 1024;

/**
 * Creates the folders and proves each is writable, and that the disk has room, before SQLite touches
 * anything: a full or read-only disk stops the boot with one line naming the path and the fix, instead
 * of a crash loop half-way through a migration.
 */
export function prepareDataDir(root: string, checks: DataDirChecks = {}): DataDirLayout {
  const layout = dataDirLayout(root);
  try {
    for (const dir of [layout.root, layout.media, layout.backups, layout.tmp]) mkdirSync(dir, { recursive: true });
    // SQLite creates parley.db-wal and -shm beside the database: the root itself must be writable too.
    for (const dir of [layout.root, layout.media, layout.backups, layout.tmp]) {
      const probe = join(dir, `.write-probe-${process.pid}`);
      writeFileSync(probe, 'ok');
      rmSync(probe);
    }
  } catch (err) {
    throw new DataDirError(`Data directory ${root} is not usable (${reasonOf(err)}): ${fixFor(err)}.`);
  }
  const minFree = checks.minFreeBytes ?? 0;
  if (minFree > 0) {
    const free = (checks.freeBytes ?? freeBytesOn)(root);
    if (free < minFree) {
      throw new DataDirError(
        `Data directory ${root} is on a disk with only ${Math.floor(free / MB)} MB free; Parley needs at least ${Math.ceil(minFree / MB)} MB to start safely. Free some space (old files in ${layout.backups} are a start) or move DATA_DIR to a larger disk (MIN_FREE_DISK_MB sets the limit).`,
      );
    }
  }
  return layout;
}

/** Bytes an unprivileged writer may still use on the disk holding `path`. */
export function freeBytesOn(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function fixFor(err: unknown): string {
  const uid = process.getuid?.();
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full; free some space or move DATA_DIR to a larger disk';
    case 'EROFS':
      return 'the file system is read-only; mount it read-write or point DATA_DIR elsewhere';
    case 'EACCES':
    case 'EPERM':
      return `make it writable by the user running Parley${uid === undefined ? '' : ` (uid ${uid}), e.g. chown -R ${uid} DATA_DIR`}`;
    case 'ENOTDIR':
    case 'EEXIST':
      return 'DATA_DIR (or one of media/, backups/, tmp/ in it) is a file; point DATA_DIR at a directory';
    default:
      return 'check DATA_DIR, its owner and free disk space';
  }
}

/**
 * The 32-byte key that encrypts secrets at rest: SECRET_KEY when given, else DATA_DIR/secret.key,
 * generated (mode 0600) on first boot. Losing it makes stored channel tokens unreadable; database backups
 * leave it out on purpose (a leaked backup alone reveals no token), so operators keep their own copy.
 */
export function loadSecretKey(layout: DataDirLayout, fromEnv: string | null): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'hex');
  if (!existsSync(layout.secretKeyFile)) {
    writeFileSync(layout.secretKeyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const text = readFileSync(layout.secretKeyFile, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new DataDirError(`${layout.secretKeyFile} is not 64 hex characters; put back your saved copy of it (or set SECRET_KEY).`);
  }
  chmodSync(layout.secretKeyFile, 0o600);
  return Buffer.from(text, 'hex');
}
