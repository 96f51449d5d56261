import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { createTestContext } from '../../testing.js';
import { createWebhookFastPath } from './webhook.fast-path.js';
import { createWebhookRoutes } from './webhook.routes.js';
import { serializeMetaStyle, signWebhookBody } from './webhook.signature.js';

const APP_SECRET = 'disk-full-app-secret';
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/**
 * A database that is really full: SQLite's max_page_count caps the file at its current size, so the next
 * insert fails with SQLITE_FULL exactly as on a full disk (no mock of the ingest).
 */
function setup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: '220011223344556', accessToken: 't', appSecret: APP_SECRET, verifyToken: 'v' });
  const logged: Record<string, unknown>[] = [];
  const logger = createLogger('error', {}, (line) => logged.push(JSON.parse(line) as Record<string, unknown>));
  const deps = { ...t.deps, logger };
  const sqlite = t.db.$client;
  const fill = () => sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
  const makeRoom = () => sqlite.pragma('max_page_count = 1073741823');
  // Big enough to need new pages (overflow pages for the body).
  const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [], note: 'x'.repeat(64 * 1024) }] });
  const headers = { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, APP_SECRET) };
  const stored = () => sqlite.prepare('SELECT count(*) FROM webhook_events').pluck().get() as number;
  return { t, deps, logged, fill, makeRoom, body, headers, stored };
}

describe('webhook intake on a full disk', () => {
  it('the Hono route answers 503 with Retry-After (so Meta retries), stores nothing, and recovers once there is room', async () => {
    const { deps, logged, fill, makeRoom, body, headers, stored } = setup();
    const routes = createWebhookRoutes(deps);
    fill();
    const res = await routes.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers, body });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('webhooks.unavailable');
    expect(stored()).toBe(0);
    expect(logged).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(/could not be stored/), err: expect.objectContaining({ name: 'SqliteError', message: 'database or disk is full' }) })]);

    makeRoom();
    const retried = await routes.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers, body });
    expect(retried.status).toBe(200);
    expect(stored()).toBe(1);
  });

  it('the node:http fast path answers 503 too, and the process keeps serving', async () => {
    const { deps, fill, makeRoom, body, headers, stored } = setup();
    const fastPath = createWebhookFastPath(deps);
    const server = createServer((req, res) => {
      if (!fastPath(req, res)) res.writeHead(204).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fill();
    const res = await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('webhooks.unavailable');
    expect((await fetch(`${url}/healthz`)).status).toBe(204);
    makeRoom();
    expect((await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body })).status).toBe(200);
    expect(stored()).toBe(1);
  });
});
