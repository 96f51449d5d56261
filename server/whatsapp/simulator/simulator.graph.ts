/**
 * The simulator's Graph API routes (relative paths; the host mounts the app anywhere). Every route
 * requires the bearer token (or `access_token` query parameter) and answers errors in Meta's JSON shape.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { expiredTokenBody, mountAccountRoutes, phoneNumberNode, type AccountState } from './simulator.account.js';
import { GraphError, graphErrorBody } from './simulator.errors.js';
import type { MediaStore } from './simulator.media.js';
import type { BusinessIdentity } from './simulator.payloads.js';
import { createTemplate, pageTemplates, type Template } from './simulator.templates.js';
import type { TaskTracker } from './simulator.webhooks.js';

export interface GraphDeps {
  biz: BusinessIdentity;
  accessToken: string;
  publicBaseUrl: () => string;
  faults: { mediaDownloadDelayMs: number; mediaDownloadErrors: number; tokenExpired: boolean };
  clock: { now(): number };
  media: MediaStore;
  templates: Template[];
  tasks: TaskTracker;
  handleSend(body: unknown): { status: number; json: unknown };
  /** Milliseconds to hold this send before Meta handles it, token check included (a slow Graph call); 0 by default. */
  holdFor?(body: unknown): number;
  /** The number's fields, the app subscription and the token's expiry (simulator.account.ts). */
  account: AccountState;
}

/** Meta's answer for an id that is not this node, or an operation the node does not support. */
function unsupported(method: string, id: string): GraphError {
  return new GraphError(100, {
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
    details: 'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
    subcode: 33,
  });
}

/** Applies `?fields=` like Graph: unknown fields are an error, `id` is always included. */
function project(node: Record<string, unknown>, defaults: readonly string[], fieldsParam: string | undefined, nodeType: string) {
  const fields = fieldsParam ? fieldsParam.split(',').map((f) => f.trim().replace(/\{.*$/, '')).filter(Boolean) : [...defaults];
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in node)) throw new GraphError(100, { message: `Tried accessing nonexisting field (${f}) on node type (${nodeType})` });
    out[f] = node[f];
  }
  out.id = node.id;
  return out;
}

/** Builds the Hono app serving the simulated Graph API. */
export function createGraphApp(deps: GraphDeps): Hono {
  const { biz, media } = deps;
  const app = new Hono();
  const fail = (c: Context, err: GraphError) => c.json(err.body(), err.status);
  const send = (c: Context, status: number, json: unknown) => c.json(json as object, status as ContentfulStatusCode);

  app.onError((err, c) => {
    if (err instanceof GraphError) return fail(c, err);
    return c.json(graphErrorBody(131000, { details: err instanceof Error ? err.message : String(err) }), 500);
  });
  app.notFound((c) => c.json(graphErrorBody(100, { message: 'Unknown path components', details: new URL(c.req.url).pathname }), 400));

  // A slow send: Meta handles it (token check included) only when the hold ends.
  app.post('/:version/:nodeId/messages', async (c, next) => {
    const hold = deps.holdFor?.(await c.req.json().catch(() => null)) ?? 0;
    if (hold > 0) await deps.tasks.sleep(hold);
    await next();
  });

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? c.req.query('access_token');
    if (!token) return c.json(graphErrorBody(190, { message: 'An access token is required to request this resource.' }), 401);
    if (token !== deps.accessToken) return c.json(graphErrorBody(190), 401);
    const expired = expiredTokenBody(deps.account, deps.faults.tokenExpired, deps.clock.now());
    if (expired) return c.json(expired, 401);
    await next();
  });

  // Registered before "/:version/:nodeId", which would otherwise match it.
  app.get('/media-download/:token', async (c) => {
    const item = media.resolveToken(c.req.param('token'));
    if (!item) return c.json(graphErrorBody(100, { message: 'Media URL expired or not found', details: 'Request a fresh URL with GET /{media-id}.' }), 404);
    await deps.tasks.sleep(deps.faults.mediaDownloadDelayMs);
    if (deps.faults.mediaDownloadErrors > 0) {
      deps.faults.mediaDownloadErrors -= 1;
      // The CDN, not the Graph API: no Meta error JSON.
      return c.text('Internal Server Error', 500);
    }
    return c.body(item.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': item.mimeType,
      'content-length': String(item.fileSize),
      ...(item.filename ? { 'content-disposition': `attachment; filename="${item.filename.replace(/["\\\r\n]/g, '_')}"` } : {}),
    });
  });

  app.post('/:version/:nodeId/messages', async (c) => {
    if (c.req.param('nodeId') !== biz.phoneNumberId) throw unsupported('post', c.req.param('nodeId'));
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new GraphError(100, { message: 'Invalid parameter', details: 'Request body is not valid JSON.' });
    }
    const res = deps.handleSend(body);
    return send(c, res.status, res.json);
  });

  app.post('/:version/:nodeId/media', async (c) => {
    if (c.req.param('nodeId') !== biz.phoneNumberId) throw unsupported('post', c.req.param('nodeId'));
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (form.messaging_product === undefined) throw new GraphError(100, { message: 'The parameter messaging_product is required.' });
    if (form.messaging_product !== 'whatsapp') throw new GraphError(100, { message: `Param messaging_product must be one of {WHATSAPP} - got "${String(form.messaging_product)}".` });
    const file = form.file;
    if (!(file instanceof File)) throw new GraphError(100, { message: 'The parameter file is required.' });
    const mimeType = typeof form.type === 'string' && form.type ? form.type : file.type;
    const item = media.upload({ bytes: new Uint8Array(await file.arrayBuffer()), mimeType, filename: file.name || null });
    return c.json({ id: item.id });
  });

  app.get('/:version/:nodeId/message_templates', (c) => {
    if (c.req.param('nodeId') !== biz.wabaId) throw unsupported('get', c.req.param('nodeId'));
    const self = `${deps.publicBaseUrl().replace(/\/$/, '')}/${c.req.param('version')}/${biz.wabaId}/message_templates${new URL(c.req.url).search}`;
    return c.json(pageTemplates(deps.templates, c.req.query(), self));
  });

  app.post('/:version/:nodeId/message_templates', async (c) => {
    if (c.req.param('nodeId') !== biz.wabaId) throw unsupported('post', c.req.param('nodeId'));
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    return c.json(createTemplate(deps.templates, body ?? {}));
  });

  app.delete('/:version/:nodeId/message_templates', (c) => {
    if (c.req.param('nodeId') !== biz.wabaId) throw unsupported('delete', c.req.param('nodeId'));
    const name = c.req.query('name');
    const hsmId = c.req.query('hsm_id');
    if (!name) throw new GraphError(100, { message: 'The parameter name is required.' });
    const before = deps.templates.length;
    for (let i = deps.templates.length - 1; i >= 0; i--) {
      const t = deps.templates[i]!;
      if (t.name === name && (!hsmId || t.id === hsmId)) deps.templates.splice(i, 1);
    }
    if (deps.templates.length === before) throw new GraphError(100, { message: 'Invalid parameter', details: `Message template "${name}" not found` });
    return c.json({ success: true });
  });

  mountAccountRoutes(app, deps);

  app.get('/:version/:nodeId', async (c) => {
    const id = c.req.param('nodeId');
    if (id === biz.phoneNumberId) {
      const node = phoneNumberNode(biz, deps.account);
      const defaults = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput'];
      return c.json(project(node, defaults, c.req.query('fields'), 'WhatsAppBusinessPhoneNumber'));
    }
    if (id === biz.wabaId) {
      const node = {
        id,
        name: 'Parley Sandbox WABA',
        currency: 'USD',
        timezone_id: '1',
        message_template_namespace: 'a1b2c3d4_e5f6_7890_abcd_ef1234567890',
        account_review_status: 'APPROVED',
        business_verification_status: 'verified',
        ownership_type: 'SELF',
      };
      return c.json(project(node, ['id', 'name', 'timezone_id', 'message_template_namespace'], c.req.query('fields'), 'WhatsAppBusinessAccount'));
    }
    const item = media.get(id);
    if (!item) throw unsupported('get', id);
    const pnid = c.req.query('phone_number_id');
    if (pnid && pnid !== biz.phoneNumberId) throw unsupported('get', id);
    // Each lookup mints a fresh URL; URLs expire after 5 minutes (CLOUD-API.md §4).
    const url = `${deps.publicBaseUrl().replace(/\/$/, '')}/media-download/${media.issueToken(item.id)}`;
    return c.json({ messaging_product: 'whatsapp', url, mime_type: item.mimeType, sha256: item.sha256, file_size: item.fileSize, id: item.id });
  });

  app.delete('/:version/:nodeId', (c) => {
    const id = c.req.param('nodeId');
    const pnid = c.req.query('phone_number_id');
    if ((pnid && pnid !== biz.phoneNumberId) || !media.remove(id)) throw unsupported('delete', id);
    return c.json({ success: true });
  });

  return app;
}
