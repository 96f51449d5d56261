import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirError, freeBytesOn, loadSecretKey, prepareDataDir } from './data-dir.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'parley-data-')), 'data');

describe('data dir', () => {
  it('creates the layout and a 0600 secret key once', () => {
    const layout = prepareDataDir(fresh());
    for (const dir of [layout.media, layout.backups, layout.tmp]) expect(statSync(dir).isDirectory()).toBe(true);
    const key = loadSecretKey(layout, null);
    expect(key).toHaveLength(32);
    expect(statSync(layout.secretKeyFile).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(prepareDataDir(layout.root), null).equals(key)).toBe(true);
    expect(readFileSync(layout.secretKeyFile, 'utf8').trim()).toBe(key.toString('hex'));
  });

  it('prefers SECRET_KEY from the environment', () => {
    const layout = prepareDataDir(fresh());
    expect(loadSecretKey(layout, 'ab'.repeat(32)).toString('hex')).toBe('ab'.repeat(32));
  });

  it('refuses a corrupted key file instead of making a new one', () => {
    const layout = prepareDataDir(fresh());
    writeFileSync(layout.secretKeyFile, 'garbage');
    expect(() => loadSecretKey(layout, null)).toThrow(DataDirError);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unwritable dir clearly', () => {
    const parent = mkdtempSync(join(tmpdir(), 'parley-ro-'));
    chmodSync(parent, 0o500);
    expect(() => prepareDataDir(join(parent, 'data'))).toThrow(/not usable/);
  });

  it('refuses to start on a nearly full disk, naming the path, the space and the fix', () => {
    const root = fresh();
    const MB = 1024 * 1024;
    expect(() => prepareDataDir(root, { minFreeBytes: 50 * MB, freeBytes: () => 12 * MB + 5 })).toThrow(
      new RegExp(`^Data directory ${root} is on a disk with only 12 MB free; Parley needs at least 50 MB to start safely\\. Free some space`),
    );
    expect(prepareDataDir(root, { minFreeBytes: 50 * MB, freeBytes: () => 50 * MB }).root).toBe(root);
    expect(prepareDataDir(root, { minFreeBytes: 0, freeBytes: () => 0 }).root).toBe(root);
  });

  it('measures the real free space of the data dir disk', () => {
    expect(freeBytesOn(tmpdir())).toBeGreaterThan(0);
  });

  it('reports a subfolder that is a file, with the fix', () => {
    const root = fresh();
    mkdirSync(root);
    writeFileSync(join(root, 'tmp'), 'not a dir');
    expect(() => prepareDataDir(root)).toThrow(/is not usable \(.*\): .*is a file; point DATA_DIR at a directory\.$/);
  });

  it('reports a data dir that is a file clearly', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parley-file-')), 'data');
    writeFileSync(path, 'not a dir');
    expect(() => prepareDataDir(path)).toThrow(DataDirError);
  });
});
