// npm run restore -- <backup file or name>   — into a STOPPED data dir; keeps the replaced database aside.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MIGRATIONS_DIR } from '../db/client.js';
import { formatCounts } from '../server/backup/backup.models.js';
import { restoreBackup, RestoreError } from '../server/backup/backup.restore.js';
import { listBackups } from '../server/backup/backup.usecases.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { prepareDataDir } from '../server/system/data-dir.js';
import { exit } from './cli.js';

const usage = 'npm run restore -- <path to a backup .db file, or the name of one in DATA_DIR/backups>';
let source: string | undefined;
try {
  source = parseArgs({ options: {}, allowPositionals: true, strict: true }).positionals[0];
} catch (err) {
  exit(`${err instanceof Error ? err.message : String(err)}\nUsage: ${usage}`);
}

let config;
let layout;
try {
  config = loadConfig();
  layout = prepareDataDir(config.dataDir);
} catch (err) {
  exit(err instanceof ConfigError ? err.message : String(err instanceof Error ? err.message : err));
}
if (!source) {
  const names = listBackups(layout.backups).map((b) => `  ${b.name}`);
  exit(`Usage: ${usage}\n${names.length ? `Backups in ${layout.backups}:\n${names.join('\n')}` : `No backups in ${layout.backups}.`}`);
}

// Never generate a key here: a missing one is worth a warning, not a fresh key that reads nothing.
const keyHex = config.secretKey ?? (existsSync(layout.secretKeyFile) ? readFileSync(layout.secretKeyFile, 'utf8').trim() : null);
const knownMigrations = (JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

try {
  const report = restoreBackup({
    layout,
    source,
    now: Date.now(),
    secretKey: keyHex && /^[0-9a-f]{64}$/i.test(keyHex) ? Buffer.from(keyHex, 'hex') : null,
    checkLocalMedia: !config.s3,
    knownMigrations,
  });
  const about = report.meta ? ` (taken ${new Date(report.meta.createdAt).toISOString()} by Parley ${report.meta.appVersion}, ${report.meta.kind})` : '';
  console.log(`Restored ${report.source}${about} into ${layout.dbFile}.`);
  console.log('Integrity check: ok.');
  console.log(report.keptAs ? `The database it replaced is kept as ${report.keptAs}.` : 'The data dir had no database before.');
  console.log(`Holds: ${formatCounts(report.counts)}.`);
  if (report.media.checked) console.log(`Media files it refers to: ${report.media.listed}, missing: ${report.media.missing.length}.`);
  for (const w of report.warnings) console.log(`Warning: ${w}`);
  if (report.media.missing.length) console.log(`Missing media keys (first 10): ${report.media.missing.slice(0, 10).join(', ')}`);
  console.log('Start Parley again to serve it.');
} catch (err) {
  exit(err instanceof RestoreError ? err.message : `Restore failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
}
