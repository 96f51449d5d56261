import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDb, migrationStatus, openDb } from './client.js';

describe('database boot', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'parley-db-')), 'parley.db');

  it('migrates an empty data dir and sets the pragmas', () => {
    const db = openDb(file());
    expect(migrationStatus(db).applied).toBe(0);
    migrateDb(db);
    const status = migrationStatus(db);
    expect(status.applied).toBe(status.expected);
    expect(status.expected).toBeGreaterThan(0);
    const tables = (db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'api_tokens', 'jobs']));
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('re-runs on an already migrated dir without touching data', () => {
    const path = file();
    const first = openDb(path);
    migrateDb(first);
    first.$client.prepare(`INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES ('usr_1', 'a@b.co', 'A', 'owner', 1, 1)`).run();
    first.$client.close();

    const second = openDb(path);
    migrateDb(second);
    migrateDb(second);
    const status = migrationStatus(second);
    expect(status.applied).toBe(status.expected);
    expect(second.$client.prepare('SELECT email FROM users').all()).toEqual([{ email: 'a@b.co' }]);
  });
});
