import { afterEach, describe, expect, it } from 'vitest';
import { HARNESS, startHarness } from './simulator.testkit.js';

// The fault knobs the crash and fault proofs (test/faults.e2e.test.ts) lean on.
type Harness = Awaited<ReturnType<typeof startHarness>>;
const open: Harness[] = [];
async function harness(): Promise<Harness> {
  const h = await startHarness({ statusDelaysMs: { sent: 600_000, delivered: 600_000, read: 600_000 } });
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const text = (to: string, body: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });

describe('simulator fault knobs', () => {
  it('errorBurst fails the next N sends to anyone, then lets sends through', async () => {
    const h = await harness();
    h.sim.faults.errorBurst = { code: 130429, count: 3 };
    const answers = [];
    for (const to of ['16505550001', '16505550002', '16505550003', '16505550004']) answers.push(await h.send(text(to, 'hi')));
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 200]);
    expect(answers[0]!.body).toMatchObject({ error: { code: 130429, message: '(#130429) Rate limit hit' } });
    expect(h.sim.faults.errorBurst).toBeNull();
    expect(h.sim.sent.map((s) => s.error?.code ?? null)).toEqual([130429, 130429, 130429, null]);
  });

  it('a per-recipient error wins over the burst and does not use it up', async () => {
    const h = await harness();
    h.sim.faults.errorBurst = { code: 131000, count: 1 };
    h.sim.faults.errorsByRecipient.set('16505550009', { code: 131026, times: 1 });
    expect((await h.send(text('16505550009', 'a'))).body).toMatchObject({ error: { code: 131026 } });
    expect((await h.send(text('16505550010', 'b'))).status).toBe(500);
    expect((await h.send(text('16505550010', 'c'))).status).toBe(200);
  });

  it('slowSendsByRecipient holds the answer, then still accepts the send (times: once)', async () => {
    const h = await harness();
    h.sim.faults.slowSendsByRecipient.set('16505550020', { ms: 300, times: 1 });
    const started = performance.now();
    const first = h.send(text('+1 650 555 0020', 'slow'));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.sim.sent).toHaveLength(0); // not handled while held
    expect((await first).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const fast = performance.now();
    expect((await h.send(text('16505550020', 'fast'))).status).toBe(200);
    expect(performance.now() - fast).toBeLessThan(250);
    expect(h.sim.sent.map((s) => s.error)).toEqual([null, null]);
    expect(h.sim.faults.slowSendsByRecipient.size).toBe(0);
  });

  it('a held send meets the token as it is when the hold ends', async () => {
    const h = await harness();
    h.sim.faults.slowSendsByRecipient.set('16505550021', { ms: 200 });
    const held = h.send(text('16505550021', 'late'));
    h.sim.faults.tokenExpired = true;
    const res = await held;
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 190, type: 'OAuthException' } });
    expect(h.sim.sent).toHaveLength(0);
  });

  it('mediaDownloadErrors answers the next downloads with a plain 500, then serves the bytes', async () => {
    const h = await harness();
    const bytes = new TextEncoder().encode('photo bytes');
    await h.sim.customer.sendMedia({ from: '16505550030', kind: 'image', bytes, mimeType: 'image/jpeg' });
    const id = (h.receiver.received[0]!.json.entry as Array<Record<string, any>>)[0]!.changes[0].value.messages[0].image.id as string;
    h.sim.faults.mediaDownloadErrors = 2;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const url = (await h.graph(`/v23.0/${id}?phone_number_id=${HARNESS.phoneNumberId}`)).body!.url as string;
      const res = await h.graph(url);
      statuses.push(res.status);
      if (res.status === 200) expect(new Uint8Array(await res.res.arrayBuffer())).toEqual(bytes);
      else expect(await res.res.text()).toBe('Internal Server Error');
    }
    expect(statuses).toEqual([500, 500, 200]);
  });
});
