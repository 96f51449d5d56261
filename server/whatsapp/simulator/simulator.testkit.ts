/**
 * Helpers for tests that talk to the simulator over real HTTP: a loopback server for any fetch handler
 * and a webhook receiver that keeps the raw bytes of every POST (signatures are checked over those).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createSimulator, type SimulatorOptions } from './simulator.js';

/** Serves `fetch` on 127.0.0.1 with an ephemeral port; resolves once listening. */
export async function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from fetch would otherwise hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedWebhook {
  /** The body exactly as received. */
  raw: Buffer;
  signature: string | null;
  contentType: string | null;
  json: Record<string, unknown>;
}

/**
 * A stand-in for Parley's webhook route: records every POST and answers with `respond(n)` (n = 0-based
 * POST count), 200 by default.
 */
export async function startReceiver(respond: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const app = new Hono();
  app.post('/webhooks/whatsapp', async (c) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const status = respond(received.length);
    received.push({
      raw,
      signature: c.req.header('x-hub-signature-256') ?? null,
      contentType: c.req.header('content-type') ?? null,
      json: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
    });
    return c.text(status === 200 ? 'EVENT_RECEIVED' : 'nope', status as 200);
  });
  const server = await listen(app.fetch);
  return { url: `${server.url}/webhooks/whatsapp`, received, close: server.close };
}

/** The `statuses[]` items of received webhooks, flattened in arrival order. */
export function receivedStatuses(received: readonly ReceivedWebhook[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const w of received) {
    for (const entry of (w.json.entry as Array<Record<string, unknown>>) ?? []) {
      for (const change of (entry.changes as Array<Record<string, unknown>>) ?? []) {
        const value = change.value as Record<string, unknown>;
        for (const s of (value.statuses as Array<Record<string, unknown>>) ?? []) out.push(s);
      }
    }
  }
  return out;
}

export const HARNESS = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayPhoneNumber: '15550783881',
  accessToken: 'EAAG-test-token',
  appSecret: 'app-secret-for-tests',
} as const;

/**
 * A simulator mounted under `/graph` of a loopback server, with a webhook receiver and small status
 * delays, plus `graph(path, init)` (bearer added unless `token: null`) and `send(body)` helpers.
 */
export async function startHarness(
  overrides: Partial<SimulatorOptions> = {},
  respond?: (n: number) => number,
) {
  const receiver = await startReceiver(respond);
  let base = '';
  const sim = createSimulator({
    ...HARNESS,
    webhookUrl: receiver.url,
    publicBaseUrl: () => base,
    statusDelaysMs: { sent: 5, delivered: 15, read: 25 },
    webhookRetryDelaysMs: [10, 20],
    ...overrides,
  });
  const host = new Hono();
  host.route('/graph', sim.app);
  const server = await listen(host.fetch);
  base = `${server.url}/graph`;

  /** Calls the Graph routes; `json` bodies are sent as JSON, `token: null` omits the bearer. */
  async function graph(path: string, init: { method?: string; json?: unknown; body?: FormData; token?: string | null } = {}) {
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? HARNESS.accessToken : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path.startsWith('http') ? path : base + path, {
      method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') ? ((await res.json()) as Record<string, any>) : null;
    return { status: res.status, body, res };
  }

  return {
    sim,
    receiver,
    base,
    graph,
    send: (body: unknown) => graph(`/v23.0/${HARNESS.phoneNumberId}/messages`, { json: body }),
    async close() {
      sim.stop();
      await server.close();
      await receiver.close();
    },
  };
}
