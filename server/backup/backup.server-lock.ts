import Database from 'better-sqlite3';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `DATA_DIR/parley.pid`: the pid of the server using the data dir, for operator tools' messages. */
export const SERVER_MARKER = 'parley.pid';

/**
 * Marks the data dir as served by this process; the returned function removes the marker (clean stop).
 * A kill -9 leaves it behind: readers treat it as a hint and never trust it alone.
 */
export function writeServerMarker(root: string): () => void {
  const file = join(root, SERVER_MARKER);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (readServerMarker(root) === process.pid) rmSync(file, { force: true });
  };
}

/** The pid in the marker, or null when there is none (or it is unreadable). */
export function readServerMarker(root: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(join(root, SERVER_MARKER), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether `pid` is a live process that looks like Parley's server (on Linux its command line says so). */
export function isServerProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  // A recycled pid (a container restarted after a kill -9) belongs to something else.
  if (existsSync(cmdline)) return readFileSync(cmdline, 'utf8').includes('main.js');
  return true;
}

/**
 * Whether another process has the database open. Every connection to a WAL database holds a shared lock
 * on it for as long as it is open, so an exclusive lock that cannot be had at once means a server (or a
 * backup script) is using it. The kernel drops the locks of a killed process, so nothing goes stale, and
 * it works across containers sharing the volume.
 */
export function databaseInUse(dbFile: string): boolean {
  if (!existsSync(dbFile)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbFile, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    // A damaged file is not "in use": replacing it is what a restore is for.
    return (err as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
  } finally {
    db?.close();
  }
}

/**
 * Why the data dir must not be touched now, or null when no server uses it. A stale marker (the server
 * was killed) is removed and does not block.
 */
export function serverRunningReason(root: string, dbFile: string): string | null {
  const pid = readServerMarker(root);
  const alive = pid !== null && pid !== process.pid && isServerProcess(pid);
  if (databaseInUse(dbFile)) return `${dbFile} is open in another process${alive ? ` (Parley, pid ${pid})` : ''}`;
  if (alive) return `Parley is running on ${root} (pid ${pid}; if that process is not Parley, delete ${join(root, SERVER_MARKER)})`;
  if (pid !== null) rmSync(join(root, SERVER_MARKER), { force: true });
  return null;
}
