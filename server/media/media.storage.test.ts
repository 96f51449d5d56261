import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './media.models.js';
import { createLocalMediaStorage } from './media.storage.js';

function local() {
  const root = mkdtempSync(join(tmpdir(), 'parley-storage-'));
  const dir = join(root, 'media');
  const tmp = join(root, 'tmp');
  mkdirSync(tmp); // the data dir has it
  const storage = createLocalMediaStorage(dir, tmp);
  const pathOf = (key: string) => join(dir, key.slice(0, 2), key.slice(2, 4), key);
  const read = async (key: string) => {
    const f = await storage.open(key);
    if (!f) return null;
    const chunks: Buffer[] = [];
    for await (const c of f.stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return { storage, dir, tmp, pathOf, read };
}

describe('local media storage', () => {
  it('stores content once under its sha256 and reads it back', async () => {
    const { storage, read } = local();
    const bytes = randomBytes(100);
    const key = sha256Hex(bytes);
    await storage.put(key, bytes);
    await storage.put(key, bytes); // the same bytes again: touched, not rewritten
    expect(await read(key)).toEqual(bytes);
    expect(await storage.deleteIfIdle(key, 60_000)).toBe('recent');
    expect(await storage.deleteIfIdle(key, 0)).toBe('deleted');
    expect(await storage.deleteIfIdle(key, 0)).toBe('missing');
    expect(await read(key)).toBeNull();
  });

  it('recovers at boot from a crash in the middle of a purge or a write', async () => {
    const { storage, tmp, pathOf, read } = local();
    const parked = randomBytes(50);
    const parkedKey = sha256Hex(parked);
    const rewritten = randomBytes(60);
    const rewrittenKey = sha256Hex(rewritten);
    await storage.put(parkedKey, parked);
    await storage.put(rewrittenKey, rewritten);
    // A purge moved both aside and died; the second was written again meanwhile (a new message).
    renameSync(pathOf(parkedKey), join(tmp, `${parkedKey}.0a1b2c3d.purge`));
    writeFileSync(join(tmp, `${rewrittenKey}.99887766.purge`), rewritten);
    // A download died half-way through its write, two hours ago; another is being written right now.
    const stale = join(tmp, `${'c'.repeat(64)}.12345678.part`);
    writeFileSync(stale, 'half a file');
    utimesSync(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(join(tmp, `${'d'.repeat(64)}.87654321.part`), 'being written');
    expect(await read(parkedKey)).toBeNull();

    expect(await storage.recover!()).toEqual({ restored: 1, removed: 2 });
    expect(await read(parkedKey)).toEqual(parked);
    expect(readFileSync(pathOf(rewrittenKey))).toEqual(rewritten);
    expect(readdirSync(tmp)).toEqual([`${'d'.repeat(64)}.87654321.part`]);
    expect(await storage.recover!()).toEqual({ restored: 0, removed: 0 });
  });
});
