// npm run bench:campaign [-- --recipients 10000 --rate 80]
// A campaign through the real server process against the simulator (real HTTP both ways): the achieved
// send rate against the configured one, and Parley's CPU per message against a bare client's per send.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startLiveParley } from '../test/live-parley.js';

const { values } = parseArgs({ options: { recipients: { type: 'string', default: '10000' }, rate: { type: 'string', default: '80' } } });
const N = Number(values.recipients);
const RATE = Number(values.rate);
const WA = { phoneNumberId: '106540352242944', wabaId: '102290129340422', displayPhoneNumber: '15550783883' };
const SECRET = { accessToken: 'EAAG-bench-token', appSecret: 'bench-app-secret', verifyToken: 'bench-verify' };
const ADMIN = { email: 'owner@bench.example', password: 'bench-owner-password' };
const TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

const number = (i: number) => `1202${String(5_000_000 + i).padStart(7, '0')}`;

async function main() {
  const live = await startLiveParley({
    wa: WA,
    secrets: SECRET,
    admin: ADMIN,
    env: { LOG_LEVEL: 'warn' },
    simulator: { statusDelaysMs: { sent: 20, delivered: 200, read: 1000 } },
    prepare: (s) =>
      s.templates.push({
        name: 'bench_offer',
        parameter_format: 'POSITIONAL',
        components: [{ type: 'BODY', text: 'Hi {{1}}, 10% off this weekend.' }],
        language: 'en',
        status: 'APPROVED',
        category: 'MARKETING',
        id: '990011223355',
      }),
  });
  const { sim, parley } = live;
  try {
    const api = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
      const res = await live.api(path, { method, body });
      const json = (await res.json()) as any;
      if (res.status >= 400) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json.data;
    };

    await api('/settings', { messagingLimit: null }, 'PATCH');
    const csv = ['name,phone,tags', ...Array.from({ length: N }, (_, i) => `Customer ${i},+${number(i)},bench`)].join('\n');
    const imported = await api('/contacts/import', { csv, mapping: { name: 'name', phone: 'phone', tags: 'tags' }, dryRun: false });
    if (imported.created !== N) throw new Error(`imported ${imported.created} of ${N}`);
    let template;
    for (let i = 0; i < 100 && !template; i++) {
      template = ((await api('/templates')) as { id: string; name: string }[]).find((t) => t.name === 'bench_offer');
      if (!template) await new Promise((r) => setTimeout(r, 100));
    }
    const campaign = await api('/campaigns', { name: 'Bench', templateId: template!.id, audience: { tags: ['bench'] }, ratePerSecond: RATE, mapping: { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' } } } });
    await api(`/campaigns/${campaign.id}/test-send`, { to: ['+14155550999'] });
    await new Promise((r) => setTimeout(r, 500));
    const sentBefore = sim.sent.length;

    const cpuStart = cpuMs(parley.proc.pid!);
    const wallStart = performance.now();
    await api(`/campaigns/${campaign.id}/start`, {});
    process.stdout.write(`sending ${N} at ${RATE}/s (about ${Math.round(N / RATE)} s)…\n`);
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const c = await api(`/campaigns/${campaign.id}`);
      if (c.status === 'finished' && c.counts.pending === 0 && c.counts.sent + c.counts.failed >= N) break;
    }
    const wallMs = performance.now() - wallStart;
    const cpuParley = cpuMs(parley.proc.pid!) - cpuStart;

    const sends = sim.sent.slice(sentBefore).filter((s) => s.type === 'template');
    const times = sends.map((s) => s.receivedAt).sort((a, b) => a - b);
    const achieved = ((times.length - 1) / (times.at(-1)! - times[0]!)) * 1000;
    // The busiest single second, to show pacing does not burst.
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    const unique = new Set(sends.map((s) => s.to)).size;

    // Baseline: the same number of template sends posted by a bare client, as fast as it goes.
    const body = JSON.stringify({ messaging_product: 'whatsapp', to: '+14155550998', type: 'template', template: { name: 'bench_offer', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] } });
    const url = `${live.simUrl}/v24.0/${WA.phoneNumberId}/messages`;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i += 16) {
      await Promise.all(Array.from({ length: Math.min(16, N - i) }, () => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${SECRET.accessToken}`, 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer())));
    }
    const bareMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // The bench process also runs the simulator: count half of its CPU as the client's (an overestimate of neither side).
    const bareCpuPerSend = (cpu.user + cpu.system) / 1000 / N / 2;
    const parleyCpuPerMessage = cpuParley / N;

    const rows = [
      ['configured rate', `${RATE}/s`, ''],
      ['achieved rate', `${achieved.toFixed(2)}/s`, `${(achieved / RATE).toFixed(3)} of configured`],
      ['busiest second', `${peak} sends`, `${(peak / RATE).toFixed(2)} of configured`],
      ['messages sent (unique recipients)', `${sends.length} (${unique})`, sends.length === unique ? 'no duplicates' : 'DUPLICATES'],
      ['campaign wall time', `${(wallMs / 1000).toFixed(1)} s`, ''],
      ['Parley CPU per message (dispatch, send job, 3 status webhooks)', `${parleyCpuPerMessage.toFixed(3)} ms`, `${(parleyCpuPerMessage / bareCpuPerSend).toFixed(1)}× a bare client's send`],
      ['bare client CPU per send (baseline)', `${bareCpuPerSend.toFixed(3)} ms`, `${(N / (bareMs / 1000)).toFixed(0)} sends/s unthrottled`],
    ];
    const w = Math.max(...rows.map((r) => r[0]!.length));
    for (const r of rows) process.stdout.write(`${r[0]!.padEnd(w)}  ${r[1]!.padStart(18)}  ${r[2]}\n`);
    if (achieved > RATE) process.exitCode = 1;
  } finally {
    await live.close();
  }
}

await main();
