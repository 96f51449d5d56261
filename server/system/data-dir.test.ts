import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirError, loadSecretKey, prepareDataDir } from './data-dir.js';

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

  it('reports a data dir that is a file clearly', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parley-file-')), 'data');
    writeFileSync(path, 'not a dir');
    expect(() => prepareDataDir(path)).toThrow(DataDirError);
  });
});
