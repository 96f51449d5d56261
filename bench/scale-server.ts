// Measuring the real server process for bench/scale: cold start to /readyz, RSS from /proc, CRM requests
// over HTTP (timed one at a time, or as concurrent load), and waiting out the webhook backlog.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PROCESS_WEBHOOK_QUEUE } from '../server/whatsapp/webhook/webhook.ingest.js';
import { freePort, startServer, type ServerProcess } from '../test/server-process.js';
import type { CrmCase, CrmUser } from './crm-cases.js';

/** A scrape token, so the bench can read the server's own heap figures from /metrics. */
export const METRICS_TOKEN = 'scale-bench-metrics-token-0123456789';

/**
 * Starts `node dist/server/main.js` on `dataDir` and returns it with the milliseconds from spawn to the
 * first 200 from /readyz (polled every 5 ms; the port is chosen before the clock starts).
 */
export async function coldStart(dataDir: string): Promise<{ server: ServerProcess; ms: number }> {
  const port = await freePort();
  const started = performance.now();
  const server = await startServer({ PORT: String(port), LOG_LEVEL: 'warn', METRICS_TOKEN }, dataDir);
  for (;;) {
    try {
      const res = await fetch(`${server.url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) return { server, ms: performance.now() - started };
    } catch {
      // not listening yet
    }
    if (server.proc.exitCode !== null) throw new Error(`server exited during start: ${server.output()}`);
    if (performance.now() - started > 60_000) throw new Error(`not ready after 60 s: ${server.output()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Moves every thread of a running process onto one core (threads it starts later inherit it). */
export function pinProcess(pid: number, core: number): boolean {
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Resident memory of `pid` in MB from /proc: total, anonymous (heap, SQLite cache) and file-backed (code). */
export function rssOf(pid: number): { rss: number; anon: number; file: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem'), hwm: kb('VmHWM') };
}

/** Samples the RSS of `pid` every `everyMs`; `peak()` is the highest since the last `reset()`. */
export function sampleRss(pid: number, everyMs = 50) {
  let peak = 0;
  const read = () => {
    try {
      peak = Math.max(peak, rssOf(pid).rss);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(read, everyMs);
  return {
    peak: () => (read(), peak),
    reset: () => void (peak = 0),
    stop: () => clearInterval(timer),
  };
}

/** The server's own view of its memory (V8 heap in use and reserved, MB), from /metrics. */
export async function heapOf(url: string): Promise<{ heapUsed: number; heapTotal: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { heapUsed: value('nodejs_heap_used_bytes'), heapTotal: value('nodejs_heap_total_bytes') };
}

/** Signs in over HTTP and returns the session cookie. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  await res.arrayBuffer();
  const cookie = /parley_session=[^;]*/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  if (res.status !== 200 || !cookie) throw new Error(`sign-in as ${email}: HTTP ${res.status}`);
  return cookie;
}

type Cookies = Record<CrmUser, string>;

async function get(url: string, cookies: Cookies, who: CrmUser, path: string): Promise<Response> {
  const res = await fetch(`${url}/api/v1${path}`, { headers: { cookie: cookies[who] } });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** The path of a case; "page 5" follows the conversation cursor four pages deep first. */
async function pathOf(url: string, cookies: Cookies, [name, who, path]: CrmCase): Promise<() => string> {
  if (!name.includes('page 5')) return path;
  let cursor = '';
  for (let i = 0; i < 4; i++) {
    const page = (await (await get(url, cookies, who, `/conversations?limit=30${cursor}`)).json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = `&cursor=${encodeURIComponent(page.nextCursor)}`;
  }
  return () => `${path()}${cursor}`;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Each case `samples` times, one request at a time after 5 warm-ups (as bench/crm, but over HTTP). */
export async function timeCrm(url: string, cookies: Cookies, cases: CrmCase[], samples: number): Promise<Map<string, { p50: number; p95: number }>> {
  const out = new Map<string, { p50: number; p95: number }>();
  for (const c of cases) {
    const path = await pathOf(url, cookies, c);
    const ms: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const p = path();
      const t0 = performance.now();
      await (await get(url, cookies, c[1], p)).arrayBuffer();
      if (i >= 5) ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    out.set(c[0], { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) });
  }
  return out;
}

/** `concurrency` clients sending random cases back to back for `seconds`: count, p50/p95 in ms. */
export async function crmLoad(url: string, cookies: Cookies, cases: CrmCase[], seconds: number, concurrency: number) {
  const paths = await Promise.all(cases.map(async (c) => [c[1], await pathOf(url, cookies, c)] as const));
  const ms: number[] = [];
  const until = performance.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const [who, path] = paths[i++ % paths.length]!;
        const t0 = performance.now();
        await (await get(url, cookies, who, path())).arrayBuffer();
        ms.push(performance.now() - t0);
      }
    }),
  );
  ms.sort((a, b) => a - b);
  return { requests: ms.length, rps: ms.length / seconds, p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

/** Waits until the server's worker has processed every stored webhook (read through a second connection). */
export async function waitForWebhookBacklog(dataDir: string, timeoutMs = 180_000): Promise<number> {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  const pending = db.prepare(`SELECT count(*) AS n FROM jobs WHERE queue = ? AND state IN ('queued', 'running')`);
  const started = performance.now();
  try {
    while ((pending.get(PROCESS_WEBHOOK_QUEUE) as { n: number }).n > 0) {
      if (performance.now() - started > timeoutMs) throw new Error(`webhook backlog not processed after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    db.close();
  }
  return performance.now() - started;
}
