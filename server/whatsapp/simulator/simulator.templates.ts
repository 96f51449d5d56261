/**
 * The simulator's message templates: seeds in Meta's list shape (CLOUD-API.md §5), the send-time checks
 * Meta applies (132001 / 132015 / 132016 / 132000) and cursor paging like the Graph API.
 */
import { GraphError } from './simulator.errors.js';
import { newGraphId } from './simulator.payloads.js';

export type Template = Record<string, unknown>;

/** Fresh copies of the seeded templates (one array per simulator, so tests can mutate them). */
export function seedTemplates(): Template[] {
  return [
    {
      name: 'hello_world',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta.' },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: newGraphId(),
    },
    {
      name: 'order_update',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Pablo', '#12345']] } },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
      ],
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      id: newGraphId(),
    },
    {
      name: 'spring_promo',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/spring.jpg'] } },
        { type: 'BODY', text: 'Spring is here, {{1}}! Enjoy 20% off everything this week.', example: { body_text: [['Pablo']] } },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
      ],
      language: 'en',
      status: 'APPROVED',
      category: 'MARKETING',
      id: newGraphId(),
    },
    {
      name: 'old_offer',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Our winter offer ends soon.' }],
      language: 'en',
      status: 'PAUSED',
      category: 'MARKETING',
      id: newGraphId(),
    },
    {
      name: 'bad_template',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'WIN BIG NOW!!! Click here {{1}}{{2}}' }],
      language: 'en',
      status: 'REJECTED',
      category: 'MARKETING',
      rejected_reason: 'INVALID_FORMAT',
      id: newGraphId(),
    },
  ];
}

/**
 * More templates in Meta's shape, not seeded by default (the default list is what the sandbox shows):
 * a NAMED-parameter one, one with URL + COPY_CODE + QUICK_REPLY buttons, and spring_promo in pt_BR.
 * Push them into `simulator.templates` where a test needs them.
 */
export function extraTemplates(): Template[] {
  return [
    {
      name: 'appointment_reminder',
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'See you soon, {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }] } },
        {
          type: 'BODY',
          text: 'Hi {{first_name}}, your appointment is on {{date}} at {{place}}.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Pablo' },
              { param_name: 'date', example: 'May 4' },
              { param_name: 'place', example: 'Main Street 1' },
            ],
          },
        },
        { type: 'FOOTER', text: 'Reply to reschedule' },
        { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001234' }] },
      ],
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: newGraphId(),
    },
    {
      name: 'welcome_offer',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Welcome, {{1}}!', example: { header_text: ['Pablo'] } },
        { type: 'BODY', text: 'Here is {{1}} off your first order. The code is in the button below.', example: { body_text: [['15%']] } },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'Shop now', url: 'https://shop.example.com/welcome/{{1}}', example: ['https://shop.example.com/welcome/abc123'] },
            { type: 'COPY_CODE', example: 'WELCOME15' },
            { type: 'QUICK_REPLY', text: 'Not interested' },
          ],
        },
      ],
      language: 'en',
      status: 'APPROVED',
      category: 'MARKETING',
      id: newGraphId(),
    },
    {
      name: 'spring_promo',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/spring.jpg'] } },
        { type: 'BODY', text: 'A primavera chegou, {{1}}! Aproveite 20% de desconto em tudo esta semana.', example: { body_text: [['Pablo']] } },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Parar promoções' }] },
      ],
      language: 'pt_BR',
      status: 'APPROVED',
      category: 'MARKETING',
      id: newGraphId(),
    },
  ];
}

/** Distinct `{{n}}` / `{{name}}` placeholders in a component text. */
export function countPlaceholders(text: unknown): number {
  if (typeof text !== 'string') return 0;
  return new Set([...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1])).size;
}

function componentsOf(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter((c): c is Record<string, unknown> => !!c && typeof c === 'object') : [];
}

function typeOf(component: Record<string, unknown>): string {
  return String(component.type ?? '').toLowerCase();
}

/**
 * Checks a `template` send object the way Meta does and returns the template it names. Throws GraphError:
 * 132001 (unknown name/language, or not approved), 132015 (PAUSED), 132016 (DISABLED), 132000 (body or
 * header parameter count differs from the template's placeholders), 131008/100 (malformed object).
 */
export function checkTemplateSend(templates: readonly Template[], send: unknown): Template {
  if (!send || typeof send !== 'object') throw new GraphError(131008, { details: 'The parameter template is required.' });
  const t = send as Record<string, unknown>;
  if (typeof t.name !== 'string' || !t.name) throw new GraphError(131008, { details: "The parameter template['name'] is required." });
  const lang = t.language as Record<string, unknown> | undefined;
  if (!lang || typeof lang.code !== 'string') throw new GraphError(131008, { details: "The parameter template['language']['code'] is required." });
  const found = templates.find((x) => x.name === t.name && x.language === lang.code);
  if (!found) {
    throw new GraphError(132001, { details: `template name (${t.name}) does not exist in ${lang.code}` });
  }
  if (found.status === 'PAUSED') throw new GraphError(132015, { details: `Template ${t.name} is paused due to low quality.` });
  if (found.status === 'DISABLED') throw new GraphError(132016, { details: `Template ${t.name} is disabled.` });
  if (found.status !== 'APPROVED') {
    throw new GraphError(132001, { details: `template name (${t.name}) does not exist in ${lang.code} or is not approved` });
  }
  const sent = componentsOf(t.components);
  for (const part of ['header', 'body'] as const) {
    const defined = componentsOf(found.components).find((c) => typeOf(c) === part);
    const given = sent.find((c) => typeOf(c) === part);
    const givenCount = Array.isArray(given?.parameters) ? given.parameters.length : 0;
    // Media headers take exactly one parameter (the image/video/document); text headers one per placeholder.
    const format = String(defined?.format ?? 'TEXT').toUpperCase();
    const expected = !defined ? 0 : part === 'header' && format !== 'TEXT' ? 1 : countPlaceholders(defined.text);
    if (givenCount !== expected) {
      throw new GraphError(132000, {
        details: `${part}: number of localizable_params (${givenCount}) does not match the expected number of params (${expected})`,
      });
    }
  }
  return found;
}

/** Template category as it shows in `pricing.category` (lowercase). */
export function pricingCategoryOf(template: Template): string {
  return String(template.category ?? 'utility').toLowerCase();
}

function encodeCursor(index: number): string {
  return Buffer.from(`tpl:${index}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  const m = /^tpl:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/**
 * One page of `GET /{waba}/message_templates`: filters (`name`, `status`, `category`, `language`),
 * `fields` projection (id always kept), `limit` (default 25) and `after`/`before` cursors.
 * `selfUrl` is this request's absolute URL, used to build `paging.next`/`previous` like Graph does.
 */
export function pageTemplates(templates: readonly Template[], query: Record<string, string | undefined>, selfUrl: string) {
  const filtered = templates.filter((t) => {
    if (query.name && !String(t.name).includes(query.name)) return false;
    if (query.status && String(t.status) !== query.status.toUpperCase()) return false;
    if (query.category && String(t.category) !== query.category.toUpperCase()) return false;
    if (query.language && String(t.language) !== query.language) return false;
    return true;
  });
  const limit = query.limit === undefined ? 25 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new GraphError(100, { message: 'Invalid parameter', details: 'Param limit must be a positive integer' });
  const after = decodeCursor(query.after);
  const before = decodeCursor(query.before);
  if ((query.after && after === null) || (query.before && before === null)) {
    throw new GraphError(100, { message: 'Invalid parameter', details: 'Invalid cursor' });
  }
  let start = after !== null ? after + 1 : 0;
  if (before !== null) start = Math.max(0, before - limit);
  const end = Math.min(filtered.length, before !== null ? before : start + limit);
  const fields = query.fields ? query.fields.split(',').map((f) => f.trim()).filter(Boolean) : null;
  const data = filtered.slice(start, end).map((t) => (fields ? Object.fromEntries(Object.entries(t).filter(([k]) => k === 'id' || fields.includes(k))) : t));
  const link = (key: 'after' | 'before', cursor: string) => {
    const url = new URL(selfUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set('limit', String(limit));
    url.searchParams.set(key, cursor);
    return url.toString();
  };
  const paging: Record<string, unknown> = {};
  if (data.length > 0) {
    paging.cursors = { before: encodeCursor(start), after: encodeCursor(end - 1) };
    if (end < filtered.length) paging.next = link('after', encodeCursor(end - 1));
    if (start > 0) paging.previous = link('before', encodeCursor(start));
  } else {
    paging.cursors = {};
  }
  return { data, paging };
}

/** `POST /{waba}/message_templates`: stores a PENDING template and answers `{id, status, category}`. */
export function createTemplate(templates: Template[], body: Record<string, unknown>) {
  for (const key of ['name', 'language', 'category'] as const) {
    if (typeof body[key] !== 'string' || !body[key]) throw new GraphError(100, { message: 'Invalid parameter', details: `The parameter ${key} is required.` });
  }
  if (!Array.isArray(body.components)) throw new GraphError(100, { message: 'Invalid parameter', details: 'The parameter components is required.' });
  if (templates.some((t) => t.name === body.name && t.language === body.language)) {
    throw new GraphError(100, { message: 'Invalid parameter', details: `Content in this language already exists for ${String(body.name)}`, subcode: 2388024 });
  }
  const category = String(body.category).toUpperCase();
  const template: Template = {
    name: body.name,
    parameter_format: body.parameter_format ?? 'POSITIONAL',
    components: body.components,
    language: body.language,
    status: 'PENDING',
    category,
    id: newGraphId(),
  };
  templates.push(template);
  return { id: template.id, status: 'PENDING', category };
}
