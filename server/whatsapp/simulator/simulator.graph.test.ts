import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../lib/clock.js';
import { HARNESS, startHarness } from './simulator.testkit.js';

type Harness = Awaited<ReturnType<typeof startHarness>>;
const open: Harness[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);

function uploadForm(bytes: Uint8Array, type: string, name = 'pic.png') {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', type);
  form.set('file', new Blob([bytes], { type }), name);
  return form;
}

describe('auth', () => {
  it.each([
    ['missing', null],
    ['wrong', 'EAAG-wrong'],
  ])('%s bearer → 401 with Meta error code 190', async (_name, token) => {
    const h = await harness();
    const res = await h.graph(`/v23.0/${HARNESS.phoneNumberId}/messages`, {
      json: { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'x' } },
      token,
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { message: expect.any(String), type: 'OAuthException', code: 190, fbtrace_id: expect.any(String) } });
    expect(h.sim.sent).toHaveLength(0);
  });

  it('also accepts the access_token query parameter, like Graph', async () => {
    const h = await harness();
    const res = await h.graph(`/v23.0/${HARNESS.phoneNumberId}?access_token=${HARNESS.accessToken}`, { token: null });
    expect(res.status).toBe(200);
  });
});

describe('media', () => {
  it('upload → GET media → download with bearer; 401 without; 404 after 5 minutes', async () => {
    const clock = manualClock();
    const h = await harness({ clock });
    const up = await h.graph(`/v23.0/${HARNESS.phoneNumberId}/media`, { body: uploadForm(PNG, 'image/png') });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ id: expect.stringMatching(/^\d{15,16}$/) });
    const id = up.body!.id as string;

    const meta = await h.graph(`/v23.0/${id}`);
    expect(meta.body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringMatching(new RegExp(`^${h.base}/media-download/[A-Za-z0-9_-]{20,}$`)),
      mime_type: 'image/png',
      sha256: createHash('sha256').update(PNG).digest('base64'),
      file_size: PNG.byteLength,
      id,
    });
    const url = meta.body!.url as string;

    const ok = await h.graph(url);
    expect(ok.status).toBe(200);
    expect(ok.res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await ok.res.arrayBuffer())).toEqual(PNG);

    const anonymous = await h.graph(url, { token: null });
    expect(anonymous.status).toBe(401);

    clock.advance(5 * 60 * 1000 - 1);
    expect((await h.graph(url)).status).toBe(200);
    clock.advance(1);
    expect((await h.graph(url)).status).toBe(404);

    // A fresh lookup mints a fresh URL that works again.
    const again = await h.graph(`/v23.0/${id}`);
    expect(again.body!.url).not.toBe(url);
    expect((await h.graph(again.body!.url as string)).status).toBe(200);
  });

  it('deletes media; the id then no longer resolves', async () => {
    const h = await harness();
    const id = (await h.graph(`/v23.0/${HARNESS.phoneNumberId}/media`, { body: uploadForm(PNG, 'image/png') })).body!.id as string;
    const del = await h.graph(`/v23.0/${id}`, { method: 'DELETE' });
    expect(del.body).toEqual({ success: true });
    const gone = await h.graph(`/v23.0/${id}`);
    expect(gone.status).toBe(400);
    expect(gone.body!.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('rejects unsupported types with 131053 and a missing file with 100', async () => {
    const h = await harness();
    const bad = await h.graph(`/v23.0/${HARNESS.phoneNumberId}/media`, { body: uploadForm(PNG, 'image/gif', 'x.gif') });
    expect(bad.status).toBe(400);
    expect(bad.body!.error.code).toBe(131053);
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    const missing = await h.graph(`/v23.0/${HARNESS.phoneNumberId}/media`, { body: form });
    expect(missing.body!.error.code).toBe(100);
  });

  it('uploaded media can be sent by id', async () => {
    const h = await harness();
    const id = (await h.graph(`/v23.0/${HARNESS.phoneNumberId}/media`, { body: uploadForm(PNG, 'image/png') })).body!.id as string;
    const res = await h.send({ messaging_product: 'whatsapp', to: '16505551234', type: 'image', image: { id, caption: 'look' } });
    expect(res.status).toBe(200);
  });

  it('customer media is served through GET /{media-id} and the webhook url', async () => {
    const h = await harness();
    const bytes = new TextEncoder().encode('%PDF-1.4 fake');
    await h.sim.customer.sendMedia({ from: '16505551234', kind: 'document', bytes, mimeType: 'application/pdf', filename: 'receipt.pdf', caption: 'my receipt' });
    const msg = (h.receiver.received[0]!.json.entry as Array<Record<string, any>>)[0]!.changes[0].value.messages[0];
    expect(msg.type).toBe('document');
    expect(msg.document).toEqual({
      caption: 'my receipt',
      filename: 'receipt.pdf',
      mime_type: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('base64'),
      id: expect.any(String),
      url: expect.stringContaining('/media-download/'),
    });
    const viaWebhookUrl = await h.graph(msg.document.url);
    expect(new Uint8Array(await viaWebhookUrl.res.arrayBuffer())).toEqual(bytes);
    const meta = await h.graph(`/v23.0/${msg.document.id}`);
    expect(meta.body).toMatchObject({ mime_type: 'application/pdf', file_size: bytes.byteLength });
  });
});

describe('templates list', () => {
  it('pages with limit and after cursors, exposing next until the end', async () => {
    const h = await harness();
    const names: string[] = [];
    let url: string | undefined = `/v23.0/${HARNESS.wabaId}/message_templates?limit=2`;
    const pageSizes: number[] = [];
    while (url) {
      const page = await h.graph(url);
      expect(page.status).toBe(200);
      expect(page.body!.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
      pageSizes.push(page.body!.data.length);
      names.push(...page.body!.data.map((t: { name: string }) => t.name));
      url = page.body!.paging.next;
      if (url) expect(url.startsWith(h.base)).toBe(true);
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(names).toEqual(['hello_world', 'order_update', 'spring_promo', 'old_offer', 'bad_template']);

    const all = await h.graph(`/v23.0/${HARNESS.wabaId}/message_templates`);
    expect(all.body!.data).toHaveLength(5);
    expect(all.body!.paging.next).toBeUndefined();
    const after = await h.graph(`/v23.0/${HARNESS.wabaId}/message_templates?limit=10&after=${all.body!.paging.cursors.after}`);
    expect(after.body!.data).toEqual([]);
  });

  it('serves seeds in Meta’s shape and filters by status', async () => {
    const h = await harness();
    const res = await h.graph(`/v23.0/${HARNESS.wabaId}/message_templates?status=APPROVED&fields=name,status,category,language`);
    expect(res.body!.data.map((t: { name: string }) => t.name)).toEqual(['hello_world', 'order_update', 'spring_promo']);
    expect(Object.keys(res.body!.data[0]).sort()).toEqual(['category', 'id', 'language', 'name', 'status']);
    const bad = h.sim.templates.find((t) => t.name === 'bad_template')!;
    expect(bad).toMatchObject({ status: 'REJECTED', category: 'MARKETING', rejected_reason: expect.any(String), parameter_format: 'POSITIONAL' });
    const promo = h.sim.templates.find((t) => t.name === 'spring_promo')!;
    expect(promo.components).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'HEADER', format: 'IMAGE' }), expect.objectContaining({ type: 'BUTTONS' })]),
    );
  });

  it('rejects a foreign WABA id like Graph does', async () => {
    const h = await harness();
    const res = await h.graph('/v23.0/999999/message_templates');
    expect(res.status).toBe(400);
    expect(res.body!.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('nodes', () => {
  it('answers phone number fields and rejects unknown ones', async () => {
    const h = await harness();
    const res = await h.graph(`/v23.0/${HARNESS.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating,throughput,code_verification_status,platform_type`);
    expect(res.body).toEqual({
      display_phone_number: expect.stringMatching(/^\+1 555 078 3881$/),
      verified_name: expect.any(String),
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      id: HARNESS.phoneNumberId,
    });
    const bad = await h.graph(`/v23.0/${HARNESS.phoneNumberId}?fields=bogus`);
    expect(bad.status).toBe(400);
    expect(bad.body!.error.code).toBe(100);
  });

  it('reports and changes the app subscription', async () => {
    const h = await harness();
    const path = `/v23.0/${HARNESS.wabaId}/subscribed_apps`;
    expect((await h.graph(path)).body!.data).toHaveLength(1);
    expect((await h.graph(path, { method: 'DELETE' })).body).toEqual({ success: true });
    expect((await h.graph(path)).body!.data).toEqual([]);
    expect((await h.graph(path, { method: 'POST' })).body).toEqual({ success: true });
    expect((await h.graph(path)).body!.data[0].whatsapp_business_api_data).toMatchObject({ id: expect.any(String), name: expect.any(String) });
  });
});
