import { parseArgs } from 'node:util';
import { migrateDb, openDb, type Db } from '../db/client.js';
import { createUserStore } from '../server/auth/auth.users.js';
import { createSessionStore } from '../server/auth/auth.sessions.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { systemClock } from '../server/lib/clock.js';
import { prepareDataDir } from '../server/system/data-dir.js';

/** Opens the configured data dir's database for an operator command (safe while the server runs). */
export function openOperatorDb(): Db {
  try {
    const config = loadConfig();
    const db = openDb(prepareDataDir(config.dataDir).dbFile);
    migrateDb(db);
    return db;
  } catch (err) {
    exit(err instanceof ConfigError ? err.message : String(err instanceof Error ? err.message : err));
  }
}

export function operatorStores(db: Db) {
  return { users: createUserStore(db, systemClock), sessions: createSessionStore(db, systemClock) };
}

/** Parses `--name value` flags; unknown flags are an error with usage. */
export function flags<T extends Record<string, { type: 'string' }>>(options: T, usage: string) {
  try {
    return parseArgs({ options, strict: true }).values as { [K in keyof T]?: string };
  } catch (err) {
    exit(`${err instanceof Error ? err.message : String(err)}\nUsage: ${usage}`);
  }
}

export function exit(message: string, code = 1): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}
