import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Creates the folders and proves the directory is writable before SQLite touches it. */
export function prepareDataDir(root: string): DataDirLayout {
  const layout = dataDirLayout(root);
  try {
    for (const dir of [layout.root, layout.media, layout.backups, layout.tmp]) mkdirSync(dir, { recursive: true });
    const probe = join(layout.tmp, `.write-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataDirError(`Data directory ${root} is not usable (${reason}). Check DATA_DIR, its owner and free disk space.`);
  }
  return layout;
}

/**
 * The 32-byte key that encrypts secrets at rest: SECRET_KEY when given, else DATA_DIR/secret.key,
 * generated (mode 0600) on first boot. Losing it makes stored channel tokens unreadable, so backups
 * copy it with the database.
 */
export function loadSecretKey(layout: DataDirLayout, fromEnv: string | null): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'hex');
  if (!existsSync(layout.secretKeyFile)) {
    writeFileSync(layout.secretKeyFile, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const text = readFileSync(layout.secretKeyFile, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new DataDirError(`${layout.secretKeyFile} is not 64 hex characters; restore it from a backup.`);
  }
  chmodSync(layout.secretKeyFile, 0o600);
  return Buffer.from(text, 'hex');
}
