import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createTestContext } from './testing.js';

describe('HTTP edges', () => {
  it.each([
    ['malformed JSON', '{"email": ', 400, 'request.invalid_json'],
    ['a field of the wrong type', JSON.stringify({ email: 42, password: 'x' }), 400, 'request.invalid'],
    ['a missing field', JSON.stringify({ email: 'a@b.co' }), 400, 'request.invalid'],
    ['a body over 1 MB', JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1_100_000) }), 413, 'request.too_large'],
  ])('answers %s with a JSON error', async (_name, body, status, code) => {
    const t = createTestContext();
    const res = await t.request('/api/v1/auth/login', { body });
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json.error.code).toBe(code);
    expect(json.error.message).toBeTypeOf('string');
  });

  it('names the failing field', async () => {
    const t = createTestContext();
    const res = await t.request('/api/v1/auth/login', { body: { email: 'a@b.co' } });
    expect((await res.json()).error.message).toMatch(/^password: /);
  });

  it.each(['/api/v1/nope', '/api/v2/contacts', '/webhooks/unknown'])('keeps 404s under %s JSON', async (path) => {
    const t = createTestContext();
    const res = await t.request(path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect((await res.json()).error.code).toBe('route.not_found');
  });

  it('gives every response a request id, and echoes a sane incoming one', async () => {
    const t = createTestContext();
    expect((await t.request('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.request('/healthz', { headers: { 'x-request-id': 'lb-123' } })).headers.get('x-request-id')).toBe('lb-123');
  });

  it('turns an unexpected error into internal.error 500 without details', async () => {
    const t = createTestContext();
    t.deps.users.findById = () => {
      throw new Error('disk on fire');
    };
    const { cookie } = await t.signIn('owner');
    const res = await t.request('/api/v1/me', { cookie });
    expect(res.status).toBe(500);
    const json = await res.json();
    expect(json.error.code).toBe('internal.error');
    expect(json.error.message).not.toContain('disk on fire');
  });
});

describe('probes', () => {
  it('healthz is always up; readyz waits for the worker', async () => {
    const t = createTestContext();
    expect((await t.request('/healthz')).status).toBe(200);
    const notReady = await t.request('/readyz');
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).checks).toEqual({ database: 'ok', migrations: 'ok', worker: 'stopped' });
    t.deps.worker.start();
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    await t.deps.worker.stop({ timeoutMs: 10 });
  });

  it('shows the sandbox demo login only in sandbox mode', async () => {
    const t = createTestContext();
    await t.deps.users.create({ email: 'demo@parley.local', password: 'parley-demo', role: 'owner' });
    expect((await (await t.request('/api/v1/system/status')).json()).data).toMatchObject({
      mode: 'sandbox',
      webhookUrl: 'http://parley.test/webhooks/whatsapp',
      demoLogin: { email: 'demo@parley.local' },
    });
    const live = createTestContext({ env: { WA_PHONE_NUMBER_ID: '1', WA_ACCESS_TOKEN: 't', WA_APP_SECRET: 's', WA_VERIFY_TOKEN: 'v' } });
    await live.deps.users.create({ email: 'demo@parley.local', password: 'parley-demo', role: 'owner' });
    expect((await (await live.request('/api/v1/system/status')).json()).data).toMatchObject({ mode: 'live', demoLogin: null });
  });
});

describe('web app serving', () => {
  const webRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'parley-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
    return root;
  };

  it('serves hashed assets for a year and falls back to index.html for app routes', async () => {
    const t = createTestContext();
    const app = createApp({ ...t.deps, webRoot: webRoot() });
    const asset = await app.request('/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    for (const path of ['/', '/login', '/conversations/cv_123']) {
      const page = await app.request(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/api/v1/missing')).headers.get('content-type')).toMatch(/json/);
  });
});
