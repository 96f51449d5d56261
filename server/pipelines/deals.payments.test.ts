import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../lib/event-bus.js';
import { createTestContext } from '../testing.js';

async function setup() {
  const t = createTestContext();
  const owner = await t.signIn('owner');
  const agent = await t.signIn('agent');
  const ownerId = (await (await t.request('/api/v1/me', { cookie: owner.cookie })).json()).data.id as string;
  const { token, id: tokenId } = t.deps.apiTokens.create(ownerId, { name: 'payments' });
  const deal = (await (await t.request('/api/v1/deals', { cookie: agent.cookie, body: { title: 'Cake', amount: '49.90', currency: 'EUR' } })).json()).data;
  const events: LiveEvent[] = [];
  t.deps.bus.subscribe((e) => events.push(e));
  const requestPayment = (body: unknown, cookie = agent.cookie, id = deal.id) => t.request(`/api/v1/deals/${id}/payment-request`, { method: 'PUT', cookie, body });
  const report = (body: unknown, auth: { token?: string; cookie?: string } = { token }, id = deal.id) => t.request(`/api/v1/deals/${id}/payment-status`, { ...auth, body });
  const audits = (action: string) =>
    t.db.$client.prepare(`SELECT actor_kind AS kind, actor_id AS id, before, after FROM audit_log WHERE action = ? AND entity_id = ? ORDER BY id`).all(action, deal.id) as { kind: string; id: string; before: string; after: string }[];
  return { t, owner: owner.cookie, agent: agent.cookie, ownerId, token, tokenId, deal, events, requestPayment, report, audits };
}

const LINK = 'https://pay.example.com/p/abc';

describe('payment requests and statuses', () => {
  it('lets a teammate who sees the deal request a payment', async () => {
    const { t, requestPayment, events, audits, deal } = await setup();
    const res = await requestPayment({ amount: '49.90', currency: 'EUR', link: LINK, providerRef: 'pi_1' });
    expect(res.status).toBe(200);
    expect((await res.json()).data.payment).toEqual({ status: 'pending', amount: '49.90', currency: 'EUR', link: LINK, providerRef: 'pi_1', updatedAt: new Date(t.clock.now()).toISOString() });
    expect(events.map((e) => e.type)).toEqual(['deal.updated']);
    expect(audits('deal.payment_requested')).toHaveLength(1);
    // The same request again changes nothing.
    expect((await requestPayment({ amount: 49.9, currency: 'EUR', link: LINK, providerRef: 'pi_1' })).status).toBe(200);
    expect(audits('deal.payment_requested')).toHaveLength(1);

    for (const [body, field] of [
      [{ amount: '49.90', currency: 'EUR', link: 'http://pay.example.com/p' }, 'link'],
      [{ amount: '49.90', currency: 'EUR', link: 'javascript:alert(1)' }, 'link'],
      [{ amount: '49.901', currency: 'EUR', link: LINK }, 'amount'],
      [{ amount: '0', currency: 'EUR', link: LINK }, 'amount'],
      [{ amount: '10', link: LINK }, 'currency'],
    ] as const) {
      const r = await requestPayment(body);
      expect([r.status, (await r.json()).error.message]).toEqual([400, expect.stringContaining(field)]);
    }
    expect((await requestPayment({ amount: '1', currency: 'EUR', link: LINK }, undefined, 'deal_nobody')).status).toBe(404);
    expect(t.db.$client.prepare(`SELECT payment_amount_minor AS m FROM deals WHERE id = ?`).get(deal.id)).toEqual({ m: 4990 });
  });

  it('refuses a payment status from a signed-in person: only an API token can report one', async () => {
    const { t, owner, agent, requestPayment, report, deal } = await setup();
    await requestPayment({ amount: '49.90', currency: 'EUR', link: LINK });
    for (const cookie of [owner, agent]) {
      const res = await report({ status: 'paid' }, { cookie });
      expect([res.status, (await res.json()).error.code]).toEqual([403, 'deals.payment_status_token_only']);
    }
    expect(t.db.$client.prepare(`SELECT payment_status AS s FROM deals WHERE id = ?`).get(deal.id)).toEqual({ s: 'pending' });
    expect((await report({ status: 'paid' }, {})).status).toBe(401);
  });

  it('records a status reported with a token, once, audited as the token', async () => {
    const { t, ownerId, tokenId, requestPayment, report, audits, events } = await setup();
    const none = await report({ status: 'paid' });
    expect([none.status, (await none.json()).error.code]).toEqual([409, 'deals.payment_not_requested']);
    await requestPayment({ amount: '49.90', currency: 'EUR', link: LINK });
    events.length = 0;

    t.clock.advance(60_000);
    const paid = await report({ status: 'paid', providerRef: 'pi_9', amount: '49.9', currency: 'EUR' });
    expect(paid.status).toBe(200);
    expect((await paid.json()).data.payment).toMatchObject({ status: 'paid', providerRef: 'pi_9', updatedAt: new Date(t.clock.now()).toISOString() });
    const [entry, ...more] = audits('deal.payment_status_changed');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ kind: 'token', id: ownerId });
    expect(JSON.parse(entry!.before)).toEqual({ status: 'pending', providerRef: null });
    expect(JSON.parse(entry!.after)).toEqual({ status: 'paid', providerRef: 'pi_9', tokenId });
    expect(events.map((e) => e.type)).toEqual(['deal.updated']);

    // The provider retries its callback: 200, nothing new.
    const again = await report({ status: 'paid', providerRef: 'pi_9' });
    expect([again.status, (await again.json()).data.payment.status]).toEqual([200, 'paid']);
    expect(audits('deal.payment_status_changed')).toHaveLength(1);
    expect(events).toHaveLength(1);

    // A late "pending" cannot un-pay it; a paid deal cannot get a new request; a refund can follow.
    const late = await report({ status: 'pending' });
    expect([late.status, (await late.json()).error.code]).toEqual([409, 'deals.payment_status_conflict']);
    const rerequest = await requestPayment({ amount: '10', currency: 'EUR', link: LINK });
    expect([rerequest.status, (await rerequest.json()).error.code]).toEqual([409, 'deals.payment_already_paid']);
    expect((await (await report({ status: 'refunded' })).json()).data.payment.status).toBe('refunded');
    expect(audits('deal.payment_status_changed')).toHaveLength(2);
  });

  it('refuses reports that do not match the request', async () => {
    const { t, requestPayment, report, audits, deal } = await setup();
    await requestPayment({ amount: '49.90', currency: 'EUR', link: LINK, providerRef: 'pi_1' });
    const expectError = async (body: unknown, status: number, code: string) => {
      const res = await report(body);
      expect([res.status, (await res.json()).error.code]).toEqual([status, code]);
    };
    await expectError({ status: 'paid', providerRef: 'pi_2' }, 409, 'deals.payment_provider_ref_mismatch');
    await expectError({ status: 'paid', amount: '4.99' }, 422, 'deals.payment_amount_mismatch');
    await expectError({ status: 'paid', amount: 49.9, currency: 'USD' }, 422, 'deals.payment_amount_mismatch');
    await expectError({ status: 'paid', amount: '49.999' }, 400, 'request.invalid');
    await expectError({ status: 'settled' }, 400, 'request.invalid');
    await expectError({ status: 'none' }, 400, 'request.invalid');
    expect(audits('deal.payment_status_changed')).toEqual([]);
    expect(t.db.$client.prepare(`SELECT payment_status AS s FROM deals WHERE id = ?`).get(deal.id)).toEqual({ s: 'pending' });
    expect((await report({ status: 'failed', providerRef: 'pi_1', amount: '49.90', currency: 'eur' })).status).toBe(200);
  });

  it('handles JPY payment amounts in whole yen', async () => {
    const { t, agent, token } = await setup();
    const deal = (await (await t.request('/api/v1/deals', { cookie: agent, body: { title: 'Sushi', amount: '3200', currency: 'JPY' } })).json()).data;
    const put = await t.request(`/api/v1/deals/${deal.id}/payment-request`, { method: 'PUT', cookie: agent, body: { amount: 3200, currency: 'JPY', link: LINK } });
    expect((await put.json()).data.payment).toMatchObject({ amount: '3200', currency: 'JPY' });
    const off = await t.request(`/api/v1/deals/${deal.id}/payment-status`, { token, body: { status: 'paid', amount: '3201' } });
    expect(off.status).toBe(422);
    const ok = await t.request(`/api/v1/deals/${deal.id}/payment-status`, { token, body: { status: 'paid', amount: '3200' } });
    expect((await ok.json()).data.payment.status).toBe('paid');
  });
});
