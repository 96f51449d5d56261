import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDb, openDb, type Db } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { prepareDataDir } from '../system/data-dir.js';
import { backupBeforeMigrating } from './backup.upgrade.js';
import { listBackups } from './backup.usecases.js';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((fn) => fn()));

function dataDir(): { db: Db; backups: string } {
  const root = mkdtempSync(join(tmpdir(), 'parley-upgrade-'));
  const layout = prepareDataDir(root);
  const db = openDb(layout.dbFile);
  cleanup.push(() => {
    db.$client.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { db, backups: layout.backups };
}

describe('backup before migrating', () => {
  it('takes none for a new database or one already up to date', async () => {
    const { db, backups } = dataDir();
    expect(await backupBeforeMigrating(db, backups, manualClock(0))).toBeNull();
    migrateDb(db);
    expect(await backupBeforeMigrating(db, backups, manualClock(0))).toBeNull();
    expect(listBackups(backups)).toEqual([]);
  });

  it('copies a database an older version left, before the new migrations run, marked as an upgrade backup', async () => {
    const { db, backups } = dataDir();
    migrateDb(db);
    db.$client.prepare(`INSERT INTO settings (key, value) VALUES ('marker', '"before"')`).run();
    // As an older Parley left it: the newest migration not applied yet.
    db.$client.prepare(`DELETE FROM __drizzle_migrations WHERE rowid = (SELECT max(rowid) FROM __drizzle_migrations)`).run();
    const info = await backupBeforeMigrating(db, backups, manualClock(Date.UTC(2026, 11, 1, 9)));
    expect(info).not.toBeNull();
    expect(info!.meta?.kind).toBe('upgrade');
    const [listed] = listBackups(backups);
    expect(listed?.name).toBe(info?.name);
    // Booting again before the migration succeeded (a restart loop) takes no second copy.
    expect(await backupBeforeMigrating(db, backups, manualClock(Date.UTC(2026, 11, 1, 10)))).toBeNull();
    expect(listBackups(backups)).toHaveLength(1);
    const copy = openDb(join(backups, info!.name));
    expect(copy.$client.prepare(`SELECT value FROM settings WHERE key = 'marker'`).pluck().get()).toBe('"before"');
    copy.$client.close();
  });
});
