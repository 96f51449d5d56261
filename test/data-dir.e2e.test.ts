import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, waitForOk, type ServerProcess } from './server-process.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** sha256 of every file under `dir` (relative path → hash): what "untouched" means. */
function fingerprint(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(out, fingerprint(join(dir, entry.name), rel));
    else out[rel] = createHash('sha256').update(readFileSync(join(dir, entry.name))).digest('hex');
  }
  return out;
}

/** A data dir that has been used: a first boot made the database, then stopped cleanly. */
async function usedDataDir(): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'parley-dd-'));
  chmodSync(parent, 0o755); // another user may look inside (the read-only case runs as one)
  const dataDir = join(parent, 'data');
  const first = await startServer({ ADMIN_EMAIL: 'owner@shop.example', ADMIN_PASSWORD: 'first-boot-pass' }, dataDir);
  await waitForOk(`${first.url}/readyz`);
  expect(await first.stop()).toBe(0);
  expect(Object.keys(fingerprint(dataDir))).toContain('parley.db');
  return dataDir;
}

/** Boots on `dataDir` and expects a refusal: exit code 1 and exactly one line of output. */
async function expectRefusal(server: ServerProcess): Promise<string> {
  cleanup.push(() => server.stop());
  expect(await server.exited).toBe(1);
  const lines = server.output().trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('a data dir Parley cannot safely use stops the boot with one clear line', () => {
  it('refuses a read-only data dir and leaves the existing database untouched', async () => {
    const dataDir = await usedDataDir();
    const before = fingerprint(dataDir);
    chmodSync(dataDir, 0o555);
    cleanup.push(() => chmodSync(dataDir, 0o755));
    // root writes through any mode bits: run the server as an unprivileged user, as in production.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : null;
    const uid = user?.uid ?? process.getuid!();
    const line = await expectRefusal(await startServer({}, dataDir, user));
    expect(line).toBe(
      `Data directory ${dataDir} is not usable (EACCES: permission denied, open '${join(dataDir, `.write-probe-${line.match(/probe-(\d+)/)![1]}`)}'): make it writable by the user running Parley (uid ${uid}), e.g. chown -R ${uid} DATA_DIR.`,
    );
    expect(fingerprint(dataDir)).toEqual(before);
  });

  it('refuses to boot on a disk with less free space than MIN_FREE_DISK_MB, touching nothing', async () => {
    const dataDir = await usedDataDir();
    const before = fingerprint(dataDir);
    const line = await expectRefusal(await startServer({ MIN_FREE_DISK_MB: String(1024 ** 3) }, dataDir)); // a petabyte
    expect(line).toMatch(new RegExp(`^Data directory ${dataDir} is on a disk with only \\d+ MB free; Parley needs at least 1073741824 MB to start safely\\. Free some space`));
    expect(fingerprint(dataDir)).toEqual(before);
    expect(statSync(join(dataDir, 'parley.db')).size).toBeGreaterThan(0);
  });

  it('refuses a parley.db that is not a file, naming the path and the fix', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'parley-dd-')), 'data');
    mkdirSync(join(dataDir, 'parley.db'), { recursive: true });
    const line = await expectRefusal(await startServer({}, dataDir));
    expect(line).toMatch(new RegExp(`^Database ${join(dataDir, 'parley.db')} could not be opened or migrated \\(.+\\): it must be a SQLite file Parley can write`));
  });
});
