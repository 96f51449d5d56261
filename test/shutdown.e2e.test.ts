import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeMetaStyle, signWebhookBody } from '../server/whatsapp/webhook/webhook.signature.js';
import { startServer, waitForOk, type ServerProcess } from './server-process.js';

const PNID = '220011223344556';
const APP_SECRET = 'shutdown-app-secret';
const LIVE_ENV = { WA_PHONE_NUMBER_ID: PNID, WA_ACCESS_TOKEN: 'EAAG-shutdown-token', WA_APP_SECRET: APP_SECRET, WA_VERIFY_TOKEN: 'verify-shutdown' };
const IMAGE = Buffer.from('not really a jpeg, but bytes all the same');

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/**
 * A stand-in for Graph that the test steers: `media-fast` answers after a second (its download job ends
 * during the drain), `media-slow` answers only once `slow.release()` is called (its job outlives it).
 */
async function fakeGraph() {
  const seen: string[] = [];
  const held: ServerResponse[] = [];
  let slowAnswers = false;
  let url = '';
  const mediaInfo = (res: ServerResponse, id: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, url: `${url}/download/${id}`, mime_type: 'image/jpeg' }));
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push(path);
    if (path.endsWith('/media-fast')) return void setTimeout(() => mediaInfo(res, 'media-fast'), 1_000);
    if (path.endsWith('/media-slow')) return slowAnswers ? mediaInfo(res, 'media-slow') : void held.push(res);
    if (path.startsWith('/download/')) return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(IMAGE);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown path', code: 100 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanup.push(() => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url, seen, answerSlow: () => void (slowAnswers = true) };
}

/** A signed webhook body as Meta would send it: one message per entry in `messages`. */
function webhookBody(messages: Record<string, unknown>[]): string {
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15557654321', phone_number_id: PNID }, contacts: [{ profile: { name: 'Ada' }, wa_id: '447700900123' }], messages };
  return serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: '310998877665544', changes: [{ field: 'messages', value }] }] });
}
const imageMessage = (n: number, mediaId: string) => ({ from: '447700900123', id: `wamid.shutdown-${n}`, timestamp: '1752000360', type: 'image', image: { mime_type: 'image/jpeg', id: mediaId } });

/**
 * Opens a raw keep-alive connection and sends the head and the first half of a POST; the rest comes later.
 * `ended` resolves when the server closes the connection, with the response and how long after it that was.
 */
function startSlowPost(url: string, body: string) {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let response = '';
  let answeredAt = 0;
  socket.on('data', (d) => ((response += d.toString('utf8')), (answeredAt = Date.now())));
  const ended = new Promise<{ response: string; closedAfterMs: number }>((resolve, reject) => {
    socket.on('end', () => resolve({ response, closedAfterMs: Date.now() - answeredAt }));
    socket.on('error', reject);
  });
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  socket.write(
    `POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n` +
      `X-Hub-Signature-256: ${signWebhookBody(body, APP_SECRET)}\r\nConnection: keep-alive\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  return { finish: () => socket.write(bytes.subarray(half)), ended };
}

/** Resolves with the connect error code ('ECONNREFUSED' once the listener is closed). */
const tryConnect = (url: string) =>
  new Promise<string>((resolve) => {
    const s = connect(Number(new URL(url).port), '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('stopping Parley (SIGTERM)', () => {
  it('finishes the request in flight, refuses new connections, ends or gives back running jobs, checkpoints the WAL and exits 0 within 10 s', async () => {
    const graph = await fakeGraph();
    const server: ServerProcess = await startServer({ ...LIVE_ENV, WA_GRAPH_URL: graph.url });
    cleanup.push(() => server.stop());
    await waitForOk(`${server.url}/readyz`);

    // Two media downloads start: one Graph answers within the drain, one it holds past it.
    const media = webhookBody([imageMessage(1, 'media-fast'), imageMessage(2, 'media-slow')]);
    const first = await fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(media, APP_SECRET) }, body: media });
    expect(first.status).toBe(200);
    await until(() => graph.seen.some((p) => p.endsWith('/media-fast')) && graph.seen.some((p) => p.endsWith('/media-slow')), 10_000, 'both media downloads to start');

    // A large webhook still uploading when the signal comes.
    const big = webhookBody([{ from: '447700900123', id: 'wamid.shutdown-big', timestamp: '1752000400', type: 'text', text: { body: 'x'.repeat(1024 * 1024) } }]);
    const slowPost = startSlowPost(server.url, big);
    await sleep(200);
    const signalled = Date.now();
    server.proc.kill('SIGTERM');

    await sleep(300);
    expect(await tryConnect(server.url)).toBe('ECONNREFUSED');
    await sleep(1_200); // well past the second the old shutdown gave open connections
    slowPost.finish();
    const { response, closedAfterMs } = await slowPost.ended;
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toMatch(/EVENT_RECEIVED$/);
    // Its keep-alive connection is closed once answered, not kept for the 5 s keep-alive timeout.
    expect(closedAfterMs).toBeLessThan(1_000);

    expect(await server.exited).toBe(0);
    const tookMs = Date.now() - signalled;
    expect(tookMs).toBeLessThan(10_000);
    expect(server.output()).toContain('stopped cleanly');
    expect(server.output()).toContain('gave back unfinished jobs at shutdown');

    // Checkpointed: the WAL was folded into the database before the last connection closed.
    const wal = join(server.dataDir, 'parley.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);

    const db = new Database(join(server.dataDir, 'parley.db'), { readonly: true });
    const mediaState = (wa: string) => db.prepare('SELECT state FROM media WHERE wa_media_id = ?').pluck().get(wa);
    const downloadJob = (wa: string) =>
      db
        .prepare(`SELECT j.state, j.attempts, j.run_at AS runAt, j.lease_token AS lease FROM jobs j JOIN media m ON json_extract(j.payload, '$.mediaId') = m.id WHERE j.queue = 'media.download' AND m.wa_media_id = ?`)
        .get(wa) as { state: string; attempts: number; runAt: number; lease: string | null };
    expect(mediaState('media-fast')).toBe('ready');
    expect(downloadJob('media-fast').state).toBe('done');
    // Given back, not left leased: claimable at once on the next boot, and the interrupted run not counted.
    expect(mediaState('media-slow')).toBe('pending');
    expect(downloadJob('media-slow')).toMatchObject({ state: 'queued', attempts: 0, lease: null });
    expect(downloadJob('media-slow').runAt).toBeLessThanOrEqual(Date.now());
    // The webhook that arrived during the drain is stored with its processing job, for the next boot.
    expect(db.prepare(`SELECT count(*) FROM webhook_events`).pluck().get()).toBe(2);
    expect(db.prepare(`SELECT state FROM jobs WHERE queue = 'whatsapp.process-webhook' ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('queued');
    db.close();

    // The next boot picks the given-back job up straight away.
    graph.answerSlow();
    const again = await startServer({ ...LIVE_ENV, WA_GRAPH_URL: graph.url }, server.dataDir);
    cleanup.push(() => again.stop());
    await waitForOk(`${again.url}/readyz`);
    const check = new Database(join(server.dataDir, 'parley.db'), { readonly: true });
    cleanup.push(() => check.close());
    await until(() => check.prepare(`SELECT state FROM media WHERE wa_media_id = 'media-slow'`).pluck().get() === 'ready', 5_000, 'the given-back download to finish');
    expect(check.prepare(`SELECT count(*) FROM messages WHERE wa_message_id = 'wamid.shutdown-big'`).pluck().get()).toBe(1);
    expect(await again.stop()).toBe(0);
  }, 45_000);
});
