import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';

/** Where media bytes live. Keys are the content's sha256 in hex, so a file is stored once. */
export interface MediaStorage {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** A stream of the bytes, or null when the key is unknown. */
  open(key: string): Promise<{ stream: Readable; size: number } | null>;
  delete(key: string): Promise<void>;
}

/** Files under DATA_DIR/media/ab/cd/<sha256>; writes go through DATA_DIR/tmp and a rename (never half a file). */
export function createLocalMediaStorage(dir: string, tmpDir: string): MediaStorage {
  const pathOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid media key ${key}`);
    return join(dir, key.slice(0, 2), key.slice(2, 4), key);
  };
  return {
    async put(key, bytes) {
      const target = pathOf(key);
      if (await stat(target).catch(() => null)) return;
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
  };
}
