import type { Db } from '../../db/client.js';
import { unprocessable } from '../lib/errors.js';
import { parseMapping, templateSendFor, type Binding } from './templates.mapping.js';
import { assertTemplateSendable, renderTemplatePreview, templateSlots, validateTemplateComponents, type TemplateShape } from './templates.params.js';
import { findTemplate, toTemplateShape } from './templates.repository.js';

/**
 * Checks a template send against the synced definition before it is queued: the template must be known
 * for the WABA (422 `templates.not_found`), approved (422 `templates.not_approved`) and its components
 * must fit (422 `templates.invalid_parameters`). Meta would refuse the same send later with 132001,
 * 132015/132016, 132000/132012 or 132005, after the message already showed as queued.
 */
export function assertTemplateSendOk(db: Db, s: { wabaId: string; name: string; language: string; components: unknown[] | undefined }): void {
  const row = findTemplate(db, s.wabaId, s.name, s.language);
  if (!row) {
    throw unprocessable(
      'templates.not_found',
      `Parley does not know a template ${s.name} in ${s.language} for this WhatsApp account. If it was just created or approved, sync templates in Settings → Templates and try again.`,
    );
  }
  const shape = toTemplateShape(row);
  assertTemplateSendable(shape);
  validateTemplateComponents(shape, s.components);
}

export interface TemplateSendInput {
  wabaId: string;
  name: string;
  language: string;
  /** Meta's components as the caller built them… */
  components?: unknown[];
  /** …or values per slot id (`body.1`, `header.1`…), the template's own mapping filling the rest for this contact. */
  values?: Record<string, string>;
  /** A media header: a Parley media id uploaded for this number. */
  headerMediaId?: string;
  contactId: string;
  channelId: string;
}

/**
 * A template send made ready before it is queued: checked against the synced definition (see
 * assertTemplateSendOk), its components built from values when it came with values, and the text the
 * customer will read (for the thread and search).
 */
export function prepareTemplateSend(db: Db, s: TemplateSendInput): { components: unknown[] | undefined; text: string } {
  const row = findTemplate(db, s.wabaId, s.name, s.language);
  if (!row) assertTemplateSendOk(db, { ...s, components: s.components }); // throws templates.not_found
  const shape = toTemplateShape(row!);
  assertTemplateSendable(shape);
  if (!s.components && (s.values || s.headerMediaId)) {
    const stored = parseMapping(row!.mapping);
    const params: Record<string, Binding> = { ...stored.params };
    for (const [slot, value] of Object.entries(s.values ?? {})) if (value.trim()) params[slot] = { source: 'fixed', value };
    const built = templateSendFor(db, shape, { params, headerMediaId: s.headerMediaId ?? stored.headerMediaId ?? null }, { contactId: s.contactId, channelId: s.channelId });
    return { components: built.components, text: built.preview.body };
  }
  validateTemplateComponents(shape, s.components);
  return { components: s.components, text: renderTemplatePreview(shape, valuesFromComponents(shape, s.components)).body };
}

/** Slot values read back from Meta components (body and header text), for rendering what was sent. */
function valuesFromComponents(t: TemplateShape, components: unknown[] | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  const slots = templateSlots(t);
  for (const c of components ?? []) {
    if (!c || typeof c !== 'object') continue;
    const comp = c as { type?: unknown; parameters?: unknown };
    const part = String(comp.type ?? '').toLowerCase();
    if ((part !== 'body' && part !== 'header') || !Array.isArray(comp.parameters)) continue;
    const ofPart = slots.filter((x) => x.component === part && x.kind === 'text');
    comp.parameters.forEach((p: unknown, i: number) => {
      if (!p || typeof p !== 'object') return;
      const param = p as { parameter_name?: unknown; text?: unknown; currency?: { fallback_value?: unknown }; date_time?: { fallback_value?: unknown } };
      const slot = typeof param.parameter_name === 'string' ? ofPart.find((x) => x.name === param.parameter_name) : ofPart[i];
      const text = typeof param.text === 'string' ? param.text : param.currency?.fallback_value ?? param.date_time?.fallback_value;
      if (slot && typeof text === 'string') values[slot.id] = text;
    });
  }
  return values;
}

export type { TemplateShape };
