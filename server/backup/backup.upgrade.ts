import { migrationStatus, type Db } from '../../db/client.js';
import type { Clock } from '../lib/clock.js';
import type { BackupInfo } from './backup.models.js';
import { ALL_PAGES, createBackup, listBackups } from './backup.usecases.js';

/**
 * At boot, before a new version migrates a database that already holds data: a backup of it as it was
 * (kind `upgrade`, never pruned), so an upgrade can be undone with `npm run restore` and the old image.
 * Nothing else runs yet, so the copy is taken in one step.
 */
export async function backupBeforeMigrating(db: Db, backupsDir: string, clock: Clock): Promise<BackupInfo | null> {
  const { applied, expected } = migrationStatus(db);
  if (applied === 0 || applied >= expected) return null;
  // A migration that fails makes the boot exit, and a restart policy boots again: one copy of this
  // database state is enough, not one per attempt until the disk is full.
  if (listBackups(backupsDir).some((b) => b.meta?.kind === 'upgrade' && b.meta.migrations === applied)) return null;
  return createBackup({ source: db.$client, backupsDir, clock }, { kind: 'upgrade', pagesPerStep: ALL_PAGES });
}
