import { describe, expect, it } from 'vitest';
import { createGraphClient, GraphError, GraphNetworkError, MediaTooLargeError, parseGraphError } from './graph.client.js';

const BASE = 'https://graph.test';
const TOKEN = 'tok_secret';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch double: records every call and answers with `handler`. */
function fakeFetch(handler: (url: string, init: RequestInit, n: number) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init });
    return handler(url, init, calls.length - 1);
  }) as typeof fetch;
  return { fn, calls };
}

/** Never answers; rejects like real fetch when its signal aborts. */
function hangingFetch() {
  return fakeFetch(
    (_url, init) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init.signal!;
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  );
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const header = (call: Call | undefined, name: string) => new Headers(call?.init.headers).get(name);

function client(fetchFn: typeof fetch, extra: { baseUrl?: string; timeoutMs?: number } = {}) {
  return createGraphClient({ baseUrl: BASE, version: 'v24.0', accessToken: TOKEN, fetch: fetchFn, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('sendMessage', () => {
  it('POSTs JSON with the bearer token and adds messaging_product', async () => {
    const f = fakeFetch(() =>
      json({
        messaging_product: 'whatsapp',
        contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
        messages: [{ id: 'wamid.A', message_status: 'accepted' }],
      }),
    );
    const res = await client(f.fn).sendMessage('PN1', { to: '+16505551234', type: 'text', text: { body: 'hi' } });
    expect(f.calls).toHaveLength(1);
    const call = f.calls[0]!;
    expect(call.url).toBe('https://graph.test/v24.0/PN1/messages');
    expect(call.init.method).toBe('POST');
    expect(header(call, 'authorization')).toBe(`Bearer ${TOKEN}`);
    expect(header(call, 'content-type')).toBe('application/json');
    expect(JSON.parse(String(call.init.body))).toEqual({
      messaging_product: 'whatsapp',
      to: '+16505551234',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(res).toEqual({
      waMessageId: 'wamid.A',
      messageStatus: 'accepted',
      contacts: [{ input: '+16505551234', waId: '16505551234', userId: null }],
    });
  });

  it('reads BSUID-only contacts and a missing message_status', async () => {
    const f = fakeFetch(() =>
      json({ contacts: [{ input: 'US.1349', user_id: 'US.1349' }], messages: [{ id: 'wamid.B' }] }),
    );
    const res = await client(f.fn, { baseUrl: 'http://127.0.0.1:9999/sim/' }).sendMessage('PN1', { to: 'x' });
    expect(f.calls[0]!.url).toBe('http://127.0.0.1:9999/sim/v24.0/PN1/messages');
    expect(res.messageStatus).toBeNull();
    expect(res.contacts).toEqual([{ input: 'US.1349', waId: null, userId: 'US.1349' }]);
  });

  it('encodes ids so they cannot escape their path segment', async () => {
    const f = fakeFetch(() => json({ messages: [{ id: 'wamid.C' }] }));
    await client(f.fn).sendMessage('../evil?x=1', {});
    expect(f.calls[0]!.url).toBe('https://graph.test/v24.0/..%2Fevil%3Fx%3D1/messages');
  });

  it('turns a 2xx without messages[0].id into a GraphError with code null', async () => {
    const f = fakeFetch(() => json({ messaging_product: 'whatsapp', messages: [] }));
    const err = await rejection(client(f.fn).sendMessage('PN1', {}));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBeNull();
    expect((err as GraphError).httpStatus).toBe(200);
    expect((err as GraphError).message).toMatch(/malformed response/i);
  });

  it('turns a 2xx non-JSON body into a malformed-response GraphError', async () => {
    const f = fakeFetch(() => new Response('<html>ok</html>', { status: 200 }));
    const err = await rejection(client(f.fn).sendMessage('PN1', {}));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).message).toMatch(/malformed response/i);
  });
});

describe('markRead', () => {
  it('sends status read, and the typing indicator only when asked', async () => {
    const f = fakeFetch(() => json({ success: true }));
    const c = client(f.fn);
    await c.markRead('PN1', 'wamid.IN');
    await c.markRead('PN1', 'wamid.IN', { typing: true });
    expect(f.calls.map((x) => [x.url, x.init.method])).toEqual([
      ['https://graph.test/v24.0/PN1/messages', 'POST'],
      ['https://graph.test/v24.0/PN1/messages', 'POST'],
    ]);
    expect(JSON.parse(String(f.calls[0]!.init.body))).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN',
    });
    expect(JSON.parse(String(f.calls[1]!.init.body))).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN',
      typing_indicator: { type: 'text' },
    });
    expect(header(f.calls[1], 'authorization')).toBe(`Bearer ${TOKEN}`);
  });
});

describe('uploadMedia', () => {
  it('POSTs multipart/form-data with messaging_product, type and the file', async () => {
    const f = fakeFetch(() => json({ id: '1037543291543636' }));
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const res = await client(f.fn).uploadMedia('PN1', { bytes, mimeType: 'application/pdf', filename: 'order.pdf' });
    expect(res).toEqual({ id: '1037543291543636' });
    const call = f.calls[0]!;
    expect(call.url).toBe('https://graph.test/v24.0/PN1/media');
    expect(call.init.method).toBe('POST');
    expect(header(call, 'authorization')).toBe(`Bearer ${TOKEN}`);
    // A hand-set Content-Type would lack the boundary; fetch must derive it from the FormData.
    expect(header(call, 'content-type')).toBeNull();

    // Serialise exactly as fetch would and parse it back, so the wire format is what is checked.
    const req = new Request(call.url, { method: 'POST', body: call.init.body ?? null });
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await req.formData();
    expect(form.get('messaging_product')).toBe('whatsapp');
    expect(form.get('type')).toBe('application/pdf');
    const file = form.get('file');
    expect(file).toBeInstanceOf(Blob);
    expect((file as File).name).toBe('order.pdf');
    expect((file as File).type).toBe('application/pdf');
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(bytes);
  });

  it('rejects an upload response without an id', async () => {
    const f = fakeFetch(() => json({}));
    const err = await rejection(
      client(f.fn).uploadMedia('PN1', { bytes: new Uint8Array([1]), mimeType: 'image/png', filename: 'a.png' }),
    );
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBeNull();
  });
});

describe('getMedia and getObject', () => {
  it('GETs the media id and accepts file_size as a string or a number', async () => {
    const body = { messaging_product: 'whatsapp', url: 'https://lookaside.fbsbx.com/x', mime_type: 'image/jpeg', sha256: 'abc', id: 'M1' };
    const f = fakeFetch((_u, _i, n) => json({ ...body, file_size: n === 0 ? '61901' : 61902 }));
    const c = client(f.fn);
    expect(await c.getMedia('M1')).toEqual({ id: 'M1', url: body.url, mimeType: 'image/jpeg', sha256: 'abc', fileSize: 61901 });
    expect((await c.getMedia('M1')).fileSize).toBe(61902);
    expect(f.calls[0]!.url).toBe('https://graph.test/v24.0/M1');
    expect(f.calls[0]!.init.method).toBe('GET');
    expect(header(f.calls[0], 'authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('GETs an object with comma-separated fields', async () => {
    const f = fakeFetch(() => json({ id: 'PN1', display_phone_number: '+1 555', throughput: { level: 'STANDARD' } }));
    const res = await client(f.fn).getObject('PN1', ['display_phone_number', 'throughput']);
    expect(f.calls[0]!.url).toBe('https://graph.test/v24.0/PN1?fields=display_phone_number,throughput');
    expect(header(f.calls[0], 'authorization')).toBe(`Bearer ${TOKEN}`);
    expect(res).toEqual({ id: 'PN1', display_phone_number: '+1 555', throughput: { level: 'STANDARD' } });
  });
});

describe('errors', () => {
  it('maps Meta error JSON onto GraphError fields', async () => {
    const f = fakeFetch(() =>
      json(
        {
          error: {
            message: '(#130429) Rate limit hit',
            type: 'OAuthException',
            code: 130429,
            error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
            error_subcode: 2494055,
            fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
          },
        },
        400,
      ),
    );
    const err = await rejection(client(f.fn).sendMessage('PN1', {}));
    expect(err).toBeInstanceOf(GraphError);
    const g = err as GraphError;
    expect({ ...g, message: g.message }).toMatchObject({
      httpStatus: 400,
      code: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      title: 'Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      isTransient: null,
    });
  });

  it('falls back to error_user_msg and reads is_transient', () => {
    const g = parseGraphError(
      400,
      JSON.stringify({ error: { message: 'Application request limit reached', code: 4, is_transient: true, error_user_msg: 'Slow down' } }),
    );
    expect(g.code).toBe(4);
    expect(g.title).toBe('Application request limit reached');
    expect(g.details).toBe('Slow down');
    expect(g.isTransient).toBe(true);
    expect(g.subcode).toBeNull();
  });

  it('still builds a GraphError from a non-JSON error body, naming the status', async () => {
    const f = fakeFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const err = await rejection(client(f.fn).getObject('PN1', ['id']));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBeNull();
    expect((err as GraphError).httpStatus).toBe(502);
    expect((err as GraphError).message).toContain('502');
  });

  it('turns a timeout into GraphNetworkError (timedOut)', async () => {
    const f = hangingFetch();
    const err = await rejection(client(f.fn, { timeoutMs: 30 }).sendMessage('PN1', {}));
    expect(err).toBeInstanceOf(GraphNetworkError);
    expect((err as GraphNetworkError).timedOut).toBe(true);
  });

  it('turns a network failure into GraphNetworkError', async () => {
    const f = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    });
    const err = await rejection(client(f.fn).getMedia('M1'));
    expect(err).toBeInstanceOf(GraphNetworkError);
    expect((err as GraphNetworkError).timedOut).toBe(false);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('rethrows a caller abort as an AbortError, not a network error', async () => {
    const f = hangingFetch();
    const ac = new AbortController();
    const pending = rejection(client(f.fn, { timeoutMs: 5_000 }).sendMessage('PN1', {}, { signal: ac.signal }));
    ac.abort();
    const err = await pending;
    expect(err).not.toBeInstanceOf(GraphNetworkError);
    expect((err as Error).name).toBe('AbortError');
  });

  it('keeps an AbortError name when the caller aborts with a custom reason', async () => {
    const f = hangingFetch();
    const err = await rejection(
      client(f.fn).listTemplates('W1', { signal: AbortSignal.abort(new Error('shutting down')) }),
    );
    expect((err as Error).name).toBe('AbortError');
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});

describe('downloadMedia', () => {
  const bytesResponse = (bytes: Uint8Array, headers: Record<string, string> = {}) =>
    new Response(bytes, { status: 200, headers: { 'content-type': 'image/jpeg', ...headers } });
  const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } });

  it('keeps the token across redirects between trusted Meta hosts', async () => {
    const f = fakeFetch((url) => {
      if (url.startsWith('https://lookaside.fbsbx.com/')) return redirect('https://mmg.whatsapp.net/d/f/abc.enc');
      if (url === 'https://mmg.whatsapp.net/d/f/abc.enc') return redirect('/d/f/final', 307);
      return bytesResponse(new Uint8Array([1, 2, 3]));
    });
    const res = await client(f.fn).downloadMedia('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', {
      maxBytes: 1000,
    });
    expect(f.calls.map((c) => c.url)).toEqual([
      'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1',
      'https://mmg.whatsapp.net/d/f/abc.enc',
      'https://mmg.whatsapp.net/d/f/final',
    ]);
    for (const c of f.calls) {
      expect(header(c, 'authorization')).toBe(`Bearer ${TOKEN}`);
      expect(c.init.redirect).toBe('manual');
    }
    expect(res.contentType).toBe('image/jpeg');
    expect([...res.bytes]).toEqual([1, 2, 3]);
  });

  it('sends the token to the configured Graph origin (the simulator)', async () => {
    const f = fakeFetch(() => bytesResponse(new Uint8Array([9])));
    await client(f.fn, { baseUrl: 'http://127.0.0.1:4010' }).downloadMedia('http://127.0.0.1:4010/media/M1', { maxBytes: 10 });
    expect(header(f.calls[0], 'authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    'https://evil.example.com/steal',
    'https://evilfacebook.com/x',
    'https://lookaside.fbsbx.com.evil.net/x',
    'http://scontent.fbcdn.net/x',
    'https://graph.test:8443/x',
  ])('does not send the token after a redirect to untrusted %s', async (target) => {
    const f = fakeFetch((url) => (url.startsWith('https://lookaside.fbsbx.com/') ? redirect(target) : bytesResponse(new Uint8Array([7]))));
    const res = await client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 10 });
    expect(f.calls).toHaveLength(2);
    expect(header(f.calls[0], 'authorization')).toBe(`Bearer ${TOKEN}`);
    expect(f.calls[1]!.url).toBe(new URL(target).href);
    expect(header(f.calls[1], 'authorization')).toBeNull();
    expect([...res.bytes]).toEqual([7]);
  });

  it('does not send the token to an untrusted starting URL', async () => {
    const f = fakeFetch(() => bytesResponse(new Uint8Array([7])));
    await client(f.fn).downloadMedia('https://cdn.example.org/file.jpg', { maxBytes: 10 });
    expect(header(f.calls[0], 'authorization')).toBeNull();
  });

  it('stops after 5 redirects', async () => {
    const f = fakeFetch((_u, _i, n) => redirect(`https://lookaside.fbsbx.com/hop${n + 1}`));
    const err = await rejection(client(f.fn).downloadMedia('https://lookaside.fbsbx.com/hop0', { maxBytes: 10 }));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as Error).message).toMatch(/redirects/);
    expect(f.calls).toHaveLength(6);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const f = fakeFetch(() => redirect('file:///etc/passwd'));
    const err = await rejection(client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 10 }));
    expect(err).toBeInstanceOf(GraphError);
    expect(f.calls).toHaveLength(1);
  });

  it('rejects early on a Content-Length above maxBytes', async () => {
    const f = fakeFetch(() => bytesResponse(new Uint8Array(4), { 'content-length': '1000000' }));
    const err = await rejection(client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 100 }));
    expect(err).toBeInstanceOf(MediaTooLargeError);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as MediaTooLargeError).maxBytes).toBe(100);
  });

  it('enforces maxBytes while streaming when Content-Length is absent, and cancels the stream', async () => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 100) return controller.close();
        controller.enqueue(new Uint8Array(4));
      },
      cancel() {
        cancelled = true;
      },
    });
    const f = fakeFetch(() => new Response(stream, { status: 200 }));
    const err = await rejection(client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 10 }));
    expect(err).toBeInstanceOf(MediaTooLargeError);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const f = fakeFetch(() => bytesResponse(new Uint8Array(10).fill(5)));
    const res = await client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 10 });
    expect(res.bytes.length).toBe(10);
  });

  it('turns an expired URL (404) into a GraphError with the status', async () => {
    const f = fakeFetch(() => new Response('Not Found', { status: 404 }));
    const err = await rejection(client(f.fn).downloadMedia('https://lookaside.fbsbx.com/a', { maxBytes: 10 }));
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).httpStatus).toBe(404);
  });
});

describe('templates', () => {
  const page = (names: string[], after: string | null, next: boolean) =>
    json({
      data: names.map((name) => ({ name, status: 'APPROVED' })),
      paging: { cursors: { before: 'B', ...(after ? { after } : {}) }, ...(next ? { next: 'https://graph.test/next' } : {}) },
    });

  it('lists one page with limit and after, and reads the next cursor', async () => {
    const f = fakeFetch(() => page(['a'], 'CUR2', true));
    const res = await client(f.fn).listTemplates('W1', { after: 'CUR1', limit: 10 });
    expect(f.calls[0]!.url).toBe('https://graph.test/v24.0/W1/message_templates?limit=10&after=CUR1');
    expect(f.calls[0]!.init.method).toBe('GET');
    expect(header(f.calls[0], 'authorization')).toBe(`Bearer ${TOKEN}`);
    expect(res).toEqual({ data: [{ name: 'a', status: 'APPROVED' }], nextAfter: 'CUR2' });
  });

  it('treats a page without paging.next as the last one even if cursors.after is present', async () => {
    const f = fakeFetch(() => page(['a'], 'CUR2', false));
    expect((await client(f.fn).listTemplates('W1')).nextAfter).toBeNull();
    expect(f.calls[0]!.url).toBe('https://graph.test/v24.0/W1/message_templates');
  });

  it('follows cursors across 3 pages', async () => {
    const f = fakeFetch((_u, _i, n) =>
      n === 0 ? page(['a', 'b'], 'P2', true) : n === 1 ? page(['c'], 'P3', true) : page(['d'], 'P4', false),
    );
    const all = await client(f.fn).listAllTemplates('W1');
    expect(all.map((t) => t.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(f.calls.map((c) => new URL(c.url).searchParams.get('after'))).toEqual([null, 'P2', 'P3']);
    expect(f.calls.every((c) => new URL(c.url).searchParams.get('limit') === '100')).toBe(true);
  });

  it('stops after 50 pages, and on a repeated cursor', async () => {
    const endless = fakeFetch((_u, _i, n) => page([`t${n}`], `P${n + 1}`, true));
    expect(await client(endless.fn).listAllTemplates('W1')).toHaveLength(50);
    expect(endless.calls).toHaveLength(50);

    const stuck = fakeFetch(() => page(['same'], 'SAME', true));
    expect(await client(stuck.fn).listAllTemplates('W1')).toHaveLength(2);
  });
});
