// npm run backup   — writes DATA_DIR/backups/parley-<UTC time>.db; safe while Parley runs.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { formatCounts } from '../server/backup/backup.models.js';
import { ALL_PAGES, createBackup } from '../server/backup/backup.usecases.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { systemClock } from '../server/lib/clock.js';
import { formatBytes } from '../server/media/media.models.js';
import { dataDirLayout } from '../server/system/data-dir.js';
import { exit, flags } from './cli.js';

flags({}, 'npm run backup');
let layout;
try {
  layout = dataDirLayout(loadConfig().dataDir);
} catch (err) {
  exit(err instanceof ConfigError ? err.message : String(err));
}
if (!existsSync(layout.dbFile)) exit(`No database at ${layout.dbFile}: check DATA_DIR.`);

// Its own connection, read in one step: the running server's commits go on meanwhile (WAL), and a
// stepwise copy from a second connection would start over after each of them.
const source = new Database(layout.dbFile, { fileMustExist: true });
source.pragma('busy_timeout = 5000');
const started = performance.now();
try {
  const info = await createBackup({ source, backupsDir: layout.backups, clock: systemClock }, { kind: 'manual', pagesPerStep: ALL_PAGES });
  console.log(`Backup written: ${layout.backups}/${info.name} (${formatBytes(info.size)}, ${Math.round(performance.now() - started)} ms).`);
  if (info.meta) {
    console.log(`Holds: ${formatCounts(info.meta.counts)}.`);
    console.log(`Media files it refers to: ${info.meta.media.files} (${formatBytes(info.meta.media.bytes)}) in ${layout.media} — copy that folder too.`);
  }
} catch (err) {
  exit(`Backup failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  source.close();
}
