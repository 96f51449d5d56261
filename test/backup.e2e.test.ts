import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../server/lib/paths.js';
import { serializeMetaStyle, signWebhookBody } from '../server/whatsapp/webhook/webhook.signature.js';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { bodyOf, waitForOk } from './server-process.js';

// The real server process takes a flood of signed webhooks while backups are written: by the operator
// script against the live data dir, and by the server itself (POST /api/v1/backups).
const WA = { phoneNumberId: '106540352249911', wabaId: '102290129349911', displayPhoneNumber: '15550789911' };
const SECRET = { accessToken: 'EAAG-backup-e2e', appSecret: 'backup-e2e-app-secret', verifyToken: 'backup-e2e-verify' };
const ADMIN = { email: 'owner@backup.example', password: 'backup-e2e-password' };

let live: LiveParley;
beforeAll(async () => {
  live = await startLiveParley({ wa: WA, secrets: SECRET, admin: ADMIN });
}, 60_000);
afterAll(() => live?.close());

const wamidOf = (i: number) => `wamid.BACKUPE2E${String(i).padStart(8, '0')}`;

/** A signed inbound text, serialised the way Meta does. */
function webhook(i: number) {
  const from = String(14155560000 + (i % 40));
  const body = serializeMetaStyle({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WA.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: WA.displayPhoneNumber, phone_number_id: WA.phoneNumberId },
              contacts: [{ profile: { name: `Cliente ${i % 40}` }, wa_id: from }],
              messages: [{ from, id: wamidOf(i), timestamp: String(1_764_000_000 + i), type: 'text', text: { body: `Pedido ${i} ☕` } }],
            },
          },
        ],
      },
    ],
  });
  return { body, signature: signWebhookBody(body, SECRET.appSecret) };
}

async function post(i: number): Promise<number> {
  const { body, signature } = webhook(i);
  const res = await fetch(`${live.parley.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  await res.arrayBuffer();
  return res.status;
}

/** A compiled operator script as a child process; resolves with its exit code and output. */
function runScript(name: string, dataDir: string, args: string[] = []): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [`dist/scripts/${name}.js`, ...args], { cwd: projectRoot(), env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** Reads a database file read-only (the live one too: a WAL reader blocks no one). */
function query<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const inboundWamids = (file: string) => new Set(query(file, (db) => (db.prepare("SELECT wa_message_id AS w FROM messages WHERE direction = 'inbound'").all() as Array<{ w: string }>).map((r) => r.w)));
const storedWamids = (file: string) =>
  new Set(query(file, (db) => (db.prepare('SELECT body FROM webhook_events').all() as Array<{ body: Buffer }>).flatMap((r) => r.body.toString('utf8').match(/wamid\.BACKUPE2E\d{8}/g) ?? [])));

let cliBackup = '';

describe('online backup under load (real process)', () => {
  it('Backup during a flood restores to a database that passes integrity_check and holds every message committed before the backup started', async () => {
    const dbFile = join(live.parley.dataDir, 'parley.db');
    // Processed messages first: these must come back as messages, not only as raw webhooks.
    const processed = Array.from({ length: 40 }, (_, i) => i);
    for (const i of processed) expect(await post(i)).toBe(200);
    const deadline = Date.now() + 15_000;
    while (processed.some((i) => !inboundWamids(dbFile).has(wamidOf(i)))) {
      if (Date.now() > deadline) throw new Error('the first 40 webhooks were not processed in time');
      await new Promise((r) => setTimeout(r, 100));
    }

    // The flood: 8 senders until both backups are written. An ack (200) means the raw body is committed.
    const ackedAt = new Map<number, number>();
    const failures: number[] = [];
    let next = processed.length;
    let flooding = true;
    const sender = async () => {
      while (flooding && next < 40_000) {
        const i = next++;
        const status = await post(i);
        if (status === 200) ackedAt.set(i, performance.now());
        else failures.push(status);
      }
    };
    const flood = Promise.all(Array.from({ length: 8 }, sender));
    while (ackedAt.size < 300) await new Promise((r) => setTimeout(r, 10));

    const ackedBefore = (t: number) => [...ackedAt].filter(([, at]) => at < t).map(([i]) => i);
    const cliStart = performance.now();
    const beforeCli = ackedBefore(cliStart);
    const cli = await runScript('backup', live.parley.dataDir);
    const cliEnd = performance.now();
    expect(cli.code, cli.out).toBe(0);
    cliBackup = join(live.parley.dataDir, 'backups', /Backup written: .*\/(parley-[^ ]+\.db)/.exec(cli.out)![1]!);

    const apiStart = performance.now();
    const beforeApi = ackedBefore(apiStart);
    const made = await live.api('/backups', { method: 'POST' });
    const apiEnd = performance.now();
    expect(made.status).toBe(201);
    const apiBackup = join(live.parley.dataDir, 'backups', (await bodyOf(made)).data.name);
    flooding = false;
    await flood;

    // The server kept taking webhooks while each backup was written, and refused none.
    expect(failures).toEqual([]);
    const ackedWithin = (a: number, b: number) => [...ackedAt.values()].filter((t) => t >= a && t <= b).length;
    expect(ackedWithin(cliStart, cliEnd)).toBeGreaterThan(0);
    expect(ackedWithin(apiStart, apiEnd)).toBeGreaterThan(0);
    expect(readdirSync(join(live.parley.dataDir, 'backups')).filter((f) => f.endsWith('.partial'))).toEqual([]);

    for (const [file, acked] of [
      [cliBackup, beforeCli],
      [apiBackup, beforeApi],
    ] as const) {
      const fresh = mkdtempSync(join(tmpdir(), 'parley-restored-'));
      const restore = await runScript('restore', fresh, [file]);
      expect(restore.code, restore.out).toBe(0);
      expect(restore.out).toContain('Integrity check: ok.');
      expect(restore.out).toMatch(/Holds: users 1, contacts \d+, conversations \d+, messages \d+/);
      const restored = join(fresh, 'parley.db');
      expect(query(restored, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
      const stored = storedWamids(restored);
      expect(acked.length).toBeGreaterThanOrEqual(300);
      expect(acked.filter((i) => !stored.has(wamidOf(i)))).toEqual([]);
      const messages = inboundWamids(restored);
      expect(processed.filter((i) => !messages.has(wamidOf(i)))).toEqual([]);
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it('restore refuses while the server runs, and goes ahead after a kill -9 left its marker', async () => {
    expect(cliBackup).not.toBe('');
    const dir = live.parley.dataDir;
    const refused = await runScript('restore', dir, [cliBackup]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Refusing to restore: .*parley\.db is open in another process \(Parley, pid \d+\)/);
    expect(readdirSync(dir).filter((f) => f.includes('restor'))).toEqual([]);
    expect((await fetch(`${live.parley.url}/readyz`)).status).toBe(200);

    live.parley.proc.kill('SIGKILL');
    await live.parley.exited;
    expect(existsSync(join(dir, 'parley.pid'))).toBe(true);
    const restored = await runScript('restore', dir, [cliBackup]);
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toMatch(/The database it replaced is kept as .*parley\.db\.before-restore-/);
    expect(existsSync(join(dir, 'parley.pid'))).toBe(false);

    await live.restart();
    await waitForOk(`${live.parley.url}/readyz`);
    const conversations = (await bodyOf(await live.api('/conversations'))).data;
    expect(conversations.length).toBeGreaterThan(0);
  }, 60_000);
});
