import { writeFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf, startServer, waitForOk, type ServerProcess } from './server-process.js';

const running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function boot(env: Record<string, string> = {}, dataDir?: string) {
  const server = await startServer(env, dataDir);
  running.push(server);
  return server;
}

describe('the real server process', () => {
  it('boots in sandbox mode on an empty data dir: ready within 3 s, login page served, demo login works', async () => {
    const server = await boot();
    const readyMs = await waitForOk(`${server.url}/readyz`);
    expect(readyMs).toBeLessThan(3_000);

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(server.url + script)).status).toBe(200);

    const status = await bodyOf(await fetch(`${server.url}/api/v1/system/status`));
    expect(status.data.mode).toBe('sandbox');
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify(status.data.demoLogin),
    });
    expect(login.status).toBe(200);
    expect(server.output()).toContain('SANDBOX MODE');
    for (const name of ['parley.db', 'media', 'backups', 'tmp']) expect(statSync(join(server.dataDir, name))).toBeTruthy();
    expect(statSync(join(server.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('drains on SIGTERM and boots again on the migrated data dir with the same owner', async () => {
    const env = { ADMIN_EMAIL: 'owner@shop.example', ADMIN_PASSWORD: 'first-boot-pass' };
    const first = await boot(env);
    await waitForOk(`${first.url}/readyz`);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    const second = await boot({ ...env, ADMIN_PASSWORD: 'ignored-after-first-boot' }, first.dataDir);
    await waitForOk(`${second.url}/readyz`);
    const login = (password: string) =>
      fetch(`${second.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@shop.example', password }),
      });
    expect((await login('first-boot-pass')).status).toBe(200);
    expect((await login('ignored-after-first-boot')).status).toBe(401);
  });

  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT must be an integer/m],
    [{ WA_PHONE_NUMBER_ID: '123' }, /^Configuration error: WA_ACCESS_TOKEN must be set/m],
    [{ LOG_LEVEL: 'chatty' }, /^Configuration error: LOG_LEVEL must be one of/m],
  ])('stops with one clear line and exit 1 on a bad environment %o', async (env, message) => {
    const server = await boot(env);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(message);
    expect(server.output().trim().split('\n')).toHaveLength(1);
  });

  it('stops with a clear error when DATA_DIR is not a directory', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-bad-')), 'data');
    writeFileSync(file, 'oops');
    const server = await boot({ DATA_DIR: file }, file);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Data directory .* is not usable/);
  });
});
