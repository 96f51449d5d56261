// The one place Parley talks to Meta's Graph API (or the simulator standing in for it).
// Facts: CLOUD-API.md §3 (send, mark read), §4 (media), §5 (templates), §6.1 (error shape).
import { GraphError, GraphNetworkError, MediaTooLargeError } from './graph.errors.js';

export { GraphError, GraphNetworkError, MediaTooLargeError } from './graph.errors.js';

export interface GraphClientOptions {
  /** e.g. `https://graph.facebook.com` (the simulator's URL in sandbox mode and tests). */
  baseUrl: string;
  /** e.g. `v24.0`. */
  version: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** Per-call deadline; default 15 000 ms. */
  timeoutMs?: number;
  /** Sees every failed call (Meta's error or no answer; not a caller's abort): metrics. */
  onError?: (err: GraphError | GraphNetworkError) => void;
}

export type GraphClient = ReturnType<typeof createGraphClient>;

type Json = Record<string, unknown>;

interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Overrides the client's deadline for slow transfers (media up/download). */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;
const MAX_TEMPLATE_PAGES = 50;
const TEMPLATE_PAGE_SIZE = 100;
// Meta serves media from lookaside.fbsbx.com and, after redirects, from *.fbcdn.net / mmg.whatsapp.net.
const TRUSTED_HOST_SUFFIXES = ['.facebook.com', '.fbsbx.com', '.fbcdn.net', '.whatsapp.net'];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Creates a Graph API client; every call carries the bearer token and its own deadline. */
export function createGraphClient(opts: GraphClientOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const baseOrigin = new URL(base).origin;
  const version = opts.version.replace(/^\/+|\/+$/g, '');
  const defaultTimeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authorization = `Bearer ${opts.accessToken}`;

  /** `{base}/{version}/{segments…}?query`; ids are path-encoded so they cannot escape their segment. */
  function graphUrl(segments: string[], query: Record<string, string | undefined> = {}): string {
    const path = [version, ...segments.map((s) => encodeURIComponent(s))].join('/');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    // Commas are legal in a query and keep `fields=a,b` readable in logs.
    const qs = params.toString().replace(/%2C/gi, ',');
    return `${base}/${path}${qs ? `?${qs}` : ''}`;
  }

  /** Runs one request under the caller's signal plus a deadline, mapping failures to our error types. */
  async function guarded<T>(call: CallOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    try {
      return await run(signal);
    } catch (err) {
      if (err instanceof GraphError) throw reported(err);
      // Checked first: a caller abort must stay an AbortError so callers can tell "we stopped" from "Meta failed".
      if (call.signal?.aborted) throw toAbortError(call.signal.reason);
      if (timeout.aborted) {
        throw reported(new GraphNetworkError(`Graph API request timed out after ${timeoutMs} ms`, { cause: err, timedOut: true }));
      }
      throw reported(new GraphNetworkError(`Graph API request failed: ${describe(err)}`, { cause: err, timedOut: false }));
    }
  }

  function reported<E extends GraphError | GraphNetworkError>(err: E): E {
    opts.onError?.(err);
    return err;
  }

  /** Sends a JSON request to the Graph API and returns the parsed 2xx body (a GraphError otherwise). */
  async function requestJson(
    method: 'GET' | 'POST',
    url: string,
    call: CallOptions & { json?: Json; form?: FormData },
  ): Promise<{ status: number; data: Json }> {
    return guarded(call, async (signal) => {
      const headers: Record<string, string> = { Authorization: authorization };
      let body: string | FormData | undefined;
      if (call.json) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(call.json);
      } else if (call.form) {
        // No Content-Type here: fetch must write it with the multipart boundary.
        body = call.form;
      }
      const res = await doFetch(url, { method, headers, body, signal });
      const text = await res.text();
      if (!res.ok) throw parseGraphError(res.status, text);
      const data = parseJson(text);
      if (!isRecord(data)) throw malformed(res.status, 'the response body is not a JSON object');
      return { status: res.status, data };
    });
  }

  function isTrustedUrl(u: URL): boolean {
    if (u.origin === baseOrigin) return true;
    if (u.protocol !== 'https:' || u.port !== '') return false;
    const host = u.hostname.toLowerCase();
    return TRUSTED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) || host === suffix.slice(1));
  }

  /** Lists one page of templates; `nextAfter` is null on the last page. */
  async function listTemplates(
    wabaId: string,
    o: { after?: string; limit?: number; fields?: string[]; signal?: AbortSignal } = {},
  ): Promise<{ data: Json[]; nextAfter: string | null }> {
    const url = graphUrl([wabaId, 'message_templates'], {
      fields: o.fields?.length ? o.fields.join(',') : undefined,
      limit: o.limit === undefined ? undefined : String(o.limit),
      after: o.after,
    });
    const { data } = await requestJson('GET', url, { signal: o.signal });
    const rows = Array.isArray(data.data) ? data.data.filter(isRecord) : [];
    // Graph keeps `cursors.after` on the last page too; only `paging.next` says another page exists.
    const paging = isRecord(data.paging) ? data.paging : {};
    const cursors = isRecord(paging.cursors) ? paging.cursors : {};
    const hasNext = typeof paging.next === 'string' && paging.next !== '';
    const nextAfter = hasNext && typeof cursors.after === 'string' && cursors.after ? cursors.after : null;
    return { data: rows, nextAfter };
  }

  return {
    /** POST /{version}/{phoneNumberId}/messages; a 2xx means "accepted", not delivered. */
    async sendMessage(phoneNumberId: string, body: Record<string, unknown>, init: { signal?: AbortSignal } = {}) {
      const { status, data } = await requestJson('POST', graphUrl([phoneNumberId, 'messages']), {
        signal: init.signal,
        json: { messaging_product: 'whatsapp', ...body },
      });
      const first = Array.isArray(data.messages) ? data.messages[0] : undefined;
      const waMessageId = isRecord(first) ? str(first.id) : null;
      if (!waMessageId) throw malformed(status, 'the send response has no messages[0].id');
      const contacts = (Array.isArray(data.contacts) ? data.contacts : []).filter(isRecord).map((c) => ({
        input: str(c.input),
        // wa_id can differ from what was sent, and is absent for BSUID-only recipients (user_id instead).
        waId: str(c.wa_id),
        userId: str(c.user_id),
      }));
      // message_status only appears on template sends (pacing: accepted | held_for_quality_assessment).
      return { waMessageId, messageStatus: isRecord(first) ? str(first.message_status) : null, contacts };
    },

    /** Marks an inbound message (and all earlier ones in the thread) read, optionally showing "typing…". */
    async markRead(phoneNumberId: string, waMessageId: string, o: { typing?: boolean; signal?: AbortSignal } = {}) {
      const json: Json = { messaging_product: 'whatsapp', status: 'read', message_id: waMessageId };
      // The typing indicator lasts until we reply or 25 s, and also marks the message read.
      if (o.typing) json.typing_indicator = { type: 'text' };
      await requestJson('POST', graphUrl([phoneNumberId, 'messages']), { signal: o.signal, json });
    },

    /** POST /{version}/{phoneNumberId}/media as multipart; the returned id is usable for 30 days. */
    async uploadMedia(
      phoneNumberId: string,
      file: { bytes: Uint8Array; mimeType: string; filename: string },
      init: { signal?: AbortSignal; timeoutMs?: number } = {},
    ): Promise<{ id: string }> {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      // Meta documents `type` as required even though the file part carries its MIME type too.
      form.set('type', file.mimeType);
      form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.filename);
      const { status, data } = await requestJson('POST', graphUrl([phoneNumberId, 'media']), { ...init, form });
      const id = str(data.id);
      if (!id) throw malformed(status, 'the upload response has no id');
      return { id };
    },

    /** GET /{version}/{mediaId}: a fresh download URL (it expires after 5 minutes) and metadata. */
    async getMedia(mediaId: string, init: { signal?: AbortSignal } = {}) {
      const { status, data } = await requestJson('GET', graphUrl([mediaId]), init);
      const url = str(data.url);
      if (!url) throw malformed(status, 'the media response has no url');
      return {
        id: str(data.id) ?? mediaId,
        url,
        mimeType: str(data.mime_type),
        sha256: str(data.sha256),
        // Documented as a quoted string, observed as a number: accept both.
        fileSize: toInt(data.file_size),
      };
    },

    /**
     * Downloads a media URL. Redirects are followed by hand (at most 5) so the bearer token only ever goes
     * to the Graph origin or Meta's media hosts; `maxBytes` is enforced on Content-Length and while streaming.
     */
    async downloadMedia(
      url: string,
      o: { maxBytes: number; signal?: AbortSignal; timeoutMs?: number },
    ): Promise<{ bytes: Buffer; contentType: string | null }> {
      return guarded(o, async (signal) => {
        let current = parseUrl(url);
        for (let redirects = 0; ; redirects++) {
          const headers: Record<string, string> = {};
          if (isTrustedUrl(current)) headers.Authorization = authorization;
          const res = await doFetch(current.href, { method: 'GET', headers, redirect: 'manual', signal });
          if (REDIRECT_STATUSES.has(res.status)) {
            await res.body?.cancel().catch(() => {});
            const location = res.headers.get('location');
            if (!location) throw malformed(res.status, 'a media redirect has no Location header');
            if (redirects >= MAX_REDIRECTS) throw malformed(res.status, `more than ${MAX_REDIRECTS} media redirects`);
            current = parseUrl(location, current);
            continue;
          }
          if (!res.ok) throw parseGraphError(res.status, await res.text());
          const declared = res.headers.get('content-length');
          if (declared !== null && Number(declared) > o.maxBytes) {
            await res.body?.cancel().catch(() => {});
            throw new MediaTooLargeError(res.status, o.maxBytes);
          }
          const bytes = await readCapped(res, o.maxBytes);
          return { bytes, contentType: res.headers.get('content-type') };
        }
      });
    },

    listTemplates,

    /** Every template of a WABA, following `after` cursors (bounded to 50 pages). */
    async listAllTemplates(wabaId: string, o: { fields?: string[]; signal?: AbortSignal } = {}): Promise<Json[]> {
      const all: Json[] = [];
      const seen = new Set<string>();
      let after: string | undefined;
      for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
        const res = await listTemplates(wabaId, { after, limit: TEMPLATE_PAGE_SIZE, fields: o.fields, signal: o.signal });
        all.push(...res.data);
        // A repeated cursor would loop forever; stop rather than trust it.
        if (!res.nextAfter || seen.has(res.nextAfter)) break;
        seen.add(res.nextAfter);
        after = res.nextAfter;
      }
      return all;
    },

    /** GET /{version}/{id}?fields=a,b: phone number info, WABA details and other Graph objects. */
    async getObject(id: string, fields: string[], init: { signal?: AbortSignal } = {}): Promise<Json> {
      const url = graphUrl([id], { fields: fields.length ? fields.join(',') : undefined });
      const { data } = await requestJson('GET', url, init);
      return data;
    },

    /** Any node or edge (`['{waba-id}', 'subscribed_apps']`, `['debug_token']`) without a method of its own: the setup check. */
    async call(method: 'GET' | 'POST', segments: string[], o: { query?: Record<string, string | undefined>; json?: Json } & CallOptions = {}): Promise<Json> {
      const { data } = await requestJson(method, graphUrl(segments, o.query), o);
      return data;
    },
  };
}

/** Builds a GraphError from a non-2xx body: Meta's `{error:{…}}` when present, else the status and a snippet. */
export function parseGraphError(httpStatus: number, bodyText: string): GraphError {
  const parsed = parseJson(bodyText);
  const e = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  if (!e) {
    const snippet = bodyText.trim().replace(/\s+/g, ' ').slice(0, 200);
    return new GraphError({
      httpStatus,
      code: null,
      subcode: null,
      type: null,
      title: `Unexpected HTTP ${httpStatus} response${snippet ? `: ${snippet}` : ''}`,
      details: null,
      fbtraceId: null,
      isTransient: null,
    });
  }
  const errorData = isRecord(e.error_data) ? e.error_data : {};
  const message = str(e.message) ?? `HTTP ${httpStatus}`;
  return new GraphError({
    httpStatus,
    code: toInt(e.code),
    // Deprecated since v16 but still present in Meta's own examples: optional.
    subcode: toInt(e.error_subcode),
    type: str(e.type),
    // Meta formats message as "(#code) title"; the code is already a field.
    title: message.replace(/^\(#\d+\)\s*/, ''),
    details: str(errorData.details) ?? str(e.error_user_msg),
    fbtraceId: str(e.fbtrace_id),
    isTransient: typeof e.is_transient === 'boolean' ? e.is_transient : null,
  });
}

function malformed(httpStatus: number, why: string): GraphError {
  return new GraphError({
    httpStatus,
    code: null,
    subcode: null,
    type: null,
    title: `Malformed response: ${why}`,
    details: null,
    fbtraceId: null,
    isTransient: null,
  });
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop pulling from the socket at once; Content-Length can be missing or wrong.
      await reader.cancel().catch(() => {});
      throw new MediaTooLargeError(res.status, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function parseUrl(raw: string, relativeTo?: URL): URL {
  let u: URL;
  try {
    u = new URL(raw, relativeTo);
  } catch {
    throw malformed(0, `invalid media URL "${raw.slice(0, 200)}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw malformed(0, `unsupported media URL scheme ${u.protocol}`);
  return u;
}

function toAbortError(reason: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('The operation was aborted', { cause: reason });
  err.name = 'AbortError';
  return err;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici hides the real reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return null;
}
