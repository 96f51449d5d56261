import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';

/** Where media bytes live. Keys are the content's sha256 in hex, so a file is stored once. */
export interface MediaStorage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** A stream of the bytes, or null when the key is unknown. */
  open(key: string): Promise<{ stream: Readable; size: number } | null>;
  delete(key: string): Promise<void>;
  /**
   * Deletes the file unless a `put` touched it less than `idleMs` ago (a new row is about to reference it:
   * the retention purge must not pull it away). `recent` means it was kept.
   */
  deleteIfIdle(key: string, idleMs: number): Promise<'deleted' | 'recent' | 'missing'>;
  /**
   * At boot, before anything else uses the storage: tidies what a crash left half done (local files only).
   * A file parked by `deleteIfIdle` goes back to its place (the durable delete job decides about it again);
   * half-written `.part` files over an hour old are removed (a younger one may be another process's write).
   */
  recover?(): Promise<{ restored: number; removed: number }>;
}

const PARKED = /^([0-9a-f]{64})\.[0-9a-f]+\.purge$/;
const STALE_PART_MS = 60 * 60_000;

/** Files under DATA_DIR/media/ab/cd/<sha256>; writes go through DATA_DIR/tmp and a rename (never half a file). */
export function createLocalMediaStorage(dir: string, tmpDir: string): MediaStorage {
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid media key ${key}`);
    return join(dir, key.slice(0, 2), key.slice(2, 4), key);
  };
  return {
    async put(key, bytes) {
      const target = pathOf(key);
      // Same bytes already stored: touch instead of rewriting. The fresh mtime tells a concurrent
      // deleteIfIdle that the file is wanted again; if it was moved away first, utimes fails and we write.
      const now = new Date();
      if (await utimes(target, now, now).then(() => true, () => false)) return;
      await mkdir(join(dir, key.slice(0, 2), key.slice(2, 4)), { recursive: true });
      const tmp = join(tmpDir, `${key}.${randomBytes(4).toString('hex')}.part`);
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    },
    async open(key) {
      const path = pathOf(key);
      const st = await stat(path).catch(() => null);
      return st ? { stream: createReadStream(path), size: st.size } : null;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async deleteIfIdle(key, idleMs) {
      const target = pathOf(key);
      // Moved aside first (atomic): a put from now on finds nothing and writes a fresh copy; a put that
      // touched it just before shows in the mtime, and then the file goes back.
      const parked = join(tmpDir, `${key}.${randomBytes(4).toString('hex')}.purge`);
      try {
        await rename(target, parked);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
        throw err;
      }
      const { mtimeMs } = await stat(parked);
      if (Date.now() - mtimeMs < idleMs) {
        await rename(parked, target); // replaces a fresh copy with the same bytes, if one was written meanwhile
        return 'recent';
      }
      await rm(parked, { force: true });
      return 'deleted';
    },
    async recover() {
      let restored = 0;
      let removed = 0;
      for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
        const path = join(tmpDir, name);
        const key = PARKED.exec(name)?.[1];
        if (key) {
          const target = pathOf(key);
          if (await stat(target).then(() => true, () => false)) {
            await rm(path, { force: true }); // a fresh copy of the same bytes is in place already
            removed++;
          } else {
            await mkdir(join(dir, key.slice(0, 2), key.slice(2, 4)), { recursive: true });
            await rename(path, target);
            restored++;
          }
        } else if (name.endsWith('.part')) {
          const st = await stat(path).catch(() => null);
          if (!st?.isFile() || Date.now() - st.mtimeMs < STALE_PART_MS) continue;
          await rm(path, { force: true }); // its writer died with the process
          removed++;
        }
      }
      return { restored, removed };
    },
  };
}
