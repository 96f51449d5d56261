// npm run bench:scale [-- --messages 1000000 --baseline 1000 --seconds 8 --rounds 2 --samples 50 --mixed 10]
// Parley with a year of history (bench/scale-seed) against a near-empty install — the same users and
// numbers with 1 000 messages, so every list has a page to show — in the same run, through the real server
// process (dist/server/main.js) pinned to core 0: cold start to /readyz, idle and under-load RSS, webhook
// intake against bare Hono (autocannon on core 1), the CRM reads of bench/crm over HTTP, and both at once.
// `--messages 50000` is a quick check (~1 minute).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { crmCases, type CrmCase } from './crm-cases.js';
import { SCALE_AGENT, SCALE_OWNER, SCALE_PASSWORD, seedScaleData, type ScaleSeed } from './scale-seed.js';
import { coldStart, crmLoad, heapOf, pinProcess, rssOf, sampleRss, signIn, timeCrm, waitForWebhookBacklog } from './scale-server.js';
import { benchWebhook } from './webhook-payload.js';
import { load, pinned, startServer as startIntakeServer, type Load } from './webhook-load.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    baseline: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    samples: { type: 'string', default: '50' },
    mixed: { type: 'string', default: '10' },
    settle: { type: 'string', default: '5' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const SAMPLES = Number(values.samples);
const MIXED = Number(values.mixed);
const SETTLE = Number(values.settle);
const benchStarted = performance.now();
const load0 = loadavg();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const { body, signature } = benchWebhook(1);
const bodyFile = join(mkdtempSync(join(tmpdir(), 'parley-scale-body-')), 'body.json');
writeFileSync(bodyFile, body);

interface Result {
  seed: ScaleSeed;
  coldStarts: number[];
  idle: ReturnType<typeof rssOf>;
  idleHeap: { heapUsed: number; heapTotal: number };
  loadPeak: number;
  /** Peak RSS during the webhook rounds, the CRM timings and the mixed load. */
  phasePeaks: number[];
  loadHeap: { heapUsed: number; heapTotal: number };
  afterLoad: number;
  bare: Load[];
  parley: Load[];
  drainMs: number[];
  crm: Map<string, { p50: number; p95: number }>;
  mixedWebhooks: Load;
  mixedCrm: Awaited<ReturnType<typeof crmLoad>>;
}

/** Random conversation ids, phones and team ids from the seeded database, for the request paths. */
function casesFor(seed: ScaleSeed): CrmCase[] {
  const db = new Database(join(seed.dataDir, 'parley.db'), { readonly: true });
  const convs = (db.prepare(`SELECT id FROM conversations ORDER BY random() LIMIT 1000`).all() as { id: string }[]).map((r) => r.id);
  const phones = (db.prepare(`SELECT phone FROM contacts ORDER BY random() LIMIT 1000`).all() as { phone: string }[]).map((r) => r.phone);
  db.close();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  return crmCases({ pick, teams: seed.teams, conversationId: () => pick(convs), phone: () => pick(phones) });
}

/** Every measurement against one data dir, through one server process (after two throwaway starts). */
async function measure(seed: ScaleSeed): Promise<Result> {
  const coldStarts: number[] = [];
  for (let i = 0; i < 2; i++) {
    const { server, ms } = await coldStart(seed.dataDir);
    coldStarts.push(ms);
    await server.stop();
  }
  const { server, ms } = await coldStart(seed.dataDir);
  coldStarts.push(ms);
  const pid = server.proc.pid!;
  if (pinned) pinProcess(pid, 0);
  const rss = sampleRss(pid);
  try {
    await sleep(SETTLE * 1000);
    const idle = rssOf(pid);
    const idleHeap = await heapOf(server.url);
    rss.reset();

    const cookies = { owner: await signIn(server.url, SCALE_OWNER, SCALE_PASSWORD), agent: await signIn(server.url, SCALE_AGENT, SCALE_PASSWORD) };
    const url = `${server.url}/webhooks/whatsapp`;
    const bare: Load[] = [];
    const parley: Load[] = [];
    const drainMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const port = 40_000 + Math.floor(Math.random() * 5000);
      const child = await startIntakeServer('bare', port);
      const bareUrl = `http://127.0.0.1:${port}/webhooks/whatsapp`;
      await load(bareUrl, bodyFile, signature, 1, CONNECTIONS);
      bare.push(await load(bareUrl, bodyFile, signature, SECONDS, CONNECTIONS));
      child.kill('SIGKILL');
      await load(url, bodyFile, signature, 1, CONNECTIONS);
      parley.push(await load(url, bodyFile, signature, SECONDS, CONNECTIONS));
      drainMs.push(await waitForWebhookBacklog(seed.dataDir));
    }
    const phasePeaks = [rss.peak()];
    const cases = casesFor(seed);
    const crm = await timeCrm(server.url, cookies, cases, SAMPLES);
    phasePeaks.push(rss.peak());
    // Both at once: Meta's webhooks (fewer connections, as a busy number sends) while four people browse.
    const [mixedWebhooks, mixedCrm] = await Promise.all([load(url, bodyFile, signature, MIXED, 10), crmLoad(server.url, cookies, cases, MIXED, 4)]);
    await waitForWebhookBacklog(seed.dataDir);
    const loadPeak = rss.peak();
    phasePeaks.push(loadPeak);
    const loadHeap = await heapOf(server.url);
    await sleep(SETTLE * 1000);
    return { seed, coldStarts, idle, idleHeap, loadPeak, phasePeaks, loadHeap, afterLoad: rssOf(pid).rss, bare, parley, drainMs, crm, mixedWebhooks, mixedCrm };
  } finally {
    rss.stop();
    await server.stop();
  }
}

const log = (line: string) => process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
log(`seeding the baseline (${values.baseline} messages) and the big data dir (${values.messages} messages)…`);
const small = await seedScaleData(mkdtempSync(join(tmpdir(), 'parley-scale-small-')), { messages: Number(values.baseline) });
const big = await seedScaleData(mkdtempSync(join(tmpdir(), 'parley-scale-big-')), { messages: Number(values.messages) });
log(`seeded ${big.counts.messages} messages in ${(big.seedMs / 1000).toFixed(1)} s + search index ${(big.indexMs / 1000).toFixed(1)} s (${(big.dbBytes / 1e6).toFixed(0)} MB); measuring the baseline…`);
const base = await measure(small);
log('measuring the big data dir…');
const scaled = await measure(big);
log('done');
// The big data dir is ~0.7 GB: kept only when asked for (BENCH_KEEP=1), to look into afterwards.
if (process.env.BENCH_KEEP) console.log(`data dirs: ${small.dataDir} ${big.dataDir}`);
else for (const dir of [small.dataDir, big.dataDir, dirname(bodyFile)]) rmSync(dir, { recursive: true, force: true });

// One table: metric | baseline | big | ratio | target.
const rows: [string, string, string, string, string][] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}×`;
const row = (metric: string, a: number, b: number, unit: string, target = '', digits = 0) => rows.push([metric, `${fmt(a, digits)}${unit}`, `${fmt(b, digits)}${unit}`, ratio(a, b), target]);
const pct = (parley: Load[], bare: Load[]) => median(parley.map((x) => x.rps)) / median(bare.map((x) => x.rps));
rows.push(['messages / contacts / conversations', `${fmt(small.counts.messages)} / ${fmt(small.counts.contacts)} / ${fmt(small.counts.conversations)}`, `${fmt(big.counts.messages)} / ${fmt(big.counts.contacts)} / ${fmt(big.counts.conversations)}`, '', '']);
row('database file (MB)', small.dbBytes / 1e6, big.dbBytes / 1e6, ' MB');
row('cold start → /readyz 200 (median of 3)', median(base.coldStarts), median(scaled.coldStarts), ' ms', '< 1 500 ms');
row('RSS idle (after boot + settle)', base.idle.rss, scaled.idle.rss, ' MB', '< 120 MB');
row('RSS under load (peak, sampled every 50 ms)', base.loadPeak, scaled.loadPeak, ' MB', '< 250 MB');
row('RSS after load + settle', base.afterLoad, scaled.afterLoad, ' MB');
row('webhook intake, bare Hono req/s (median)', median(base.bare.map((x) => x.rps)), median(scaled.bare.map((x) => x.rps)), '');
row('webhook intake, Parley server req/s (median)', median(base.parley.map((x) => x.rps)), median(scaled.parley.map((x) => x.rps)), '');
rows.push(['  Parley / bare Hono', `${Math.round(pct(base.parley, base.bare) * 100)} %`, `${Math.round(pct(scaled.parley, scaled.bare) * 100)} %`, ratio(pct(base.parley, base.bare), pct(scaled.parley, scaled.bare)), '']);
row('  Parley p50 latency', median(base.parley.map((x) => x.p50)), median(scaled.parley.map((x) => x.p50)), ' ms', '', 1);
row('  Parley p99 latency', median(base.parley.map((x) => x.p99)), median(scaled.parley.map((x) => x.p99)), ' ms', '', 1);
row('  backlog processed after each round', median(base.drainMs) / 1000, median(scaled.drainMs) / 1000, ' s', '', 1);
for (const [name, , , target] of crmCases({ pick: (xs) => xs[0]!, teams: [''], conversationId: () => '', phone: () => '' })) {
  const a = base.crm.get(name)!;
  const b = scaled.crm.get(name)!;
  rows.push([`CRM ${name}, p50 / p95`, `${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} ms`, `${b.p50.toFixed(1)} / ${b.p95.toFixed(1)} ms`, ratio(a.p95, b.p95), name.includes('floor') ? '' : `p95 < ${target} ms`]);
}
row('mixed: webhooks req/s (10 conns)', base.mixedWebhooks.rps, scaled.mixedWebhooks.rps, '');
row('mixed: webhook p99', base.mixedWebhooks.p99, scaled.mixedWebhooks.p99, ' ms', '', 1);
row('mixed: CRM req/s (4 clients, all cases)', base.mixedCrm.rps, scaled.mixedCrm.rps, '');
rows.push(['mixed: CRM p50 / p95', `${base.mixedCrm.p50.toFixed(1)} / ${base.mixedCrm.p95.toFixed(1)} ms`, `${scaled.mixedCrm.p50.toFixed(1)} / ${scaled.mixedCrm.p95.toFixed(1)} ms`, ratio(base.mixedCrm.p95, scaled.mixedCrm.p95), '']);

const head: [string, string, string, string, string] = ['metric', `baseline (${fmt(small.counts.messages)} msgs)`, `${fmt(big.counts.messages)} messages`, 'ratio', 'target'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
const errors = [...base.bare, ...base.parley, ...scaled.bare, ...scaled.parley, base.mixedWebhooks, scaled.mixedWebhooks].reduce((s, x) => s + x.non2xx, 0);
console.log(`bench/scale: the real server process ${pinned ? 'on core 0, load on core 1' : '(NOT pinned: no taskset)'}; webhooks ${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds; CRM ${SAMPLES} samples per request`);
console.log(`load average at start ${load0.map((x) => x.toFixed(2)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; whole run ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; seeding ${fmt(big.counts.messages)} messages took ${(big.seedMs / 1000).toFixed(1)} s + ${(big.indexMs / 1000).toFixed(1)} s of search indexing`);
console.log(line(head));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of rows) console.log(line(r));
const mem = (r: Result) => `idle ${r.idle.rss.toFixed(0)} MB = ${r.idle.anon.toFixed(0)} anon + ${r.idle.file.toFixed(0)} file (V8 heap ${r.idleHeap.heapUsed.toFixed(0)}/${r.idleHeap.heapTotal.toFixed(0)} MB); peak so far after the webhook rounds / CRM timings / mixed load ${r.phasePeaks.map((x) => x.toFixed(0)).join(' / ')} MB; after load V8 heap ${r.loadHeap.heapUsed.toFixed(0)}/${r.loadHeap.heapTotal.toFixed(0)} MB`;
console.log(`memory, baseline: ${mem(base)}\nmemory, ${fmt(big.counts.messages)}: ${mem(scaled)}`);
console.log(`${errors} non-2xx webhook answers or errors`);
