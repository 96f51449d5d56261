import { and, asc, eq } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
import { templates } from '../../db/schema/whatsapp.js';
import { toIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { parseMapping, type TemplateMapping } from './templates.mapping.js';
import { templateSlots, type TemplateShape } from './templates.params.js';

export type TemplateRow = typeof templates.$inferSelect;

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Upserts templates as Graph lists them (`GET /{waba}/message_templates`), keyed by (waba, name, language).
 * Returns how many rows were written.
 */
export function upsertTemplates(db: Db, wabaId: string, items: Record<string, unknown>[], now: number): number {
  const upsert = prepared(db, 'templates.upsert', () =>
    db.$client.prepare(
      `INSERT INTO templates (id, waba_id, wa_template_id, name, language, category, status, quality, rejected_reason, components, parameter_format, updated_at)
       VALUES (@id, @wabaId, @waTemplateId, @name, @language, @category, @status, @quality, @rejectedReason, @components, @parameterFormat, @now)
       ON CONFLICT (waba_id, name, language) DO UPDATE SET wa_template_id = excluded.wa_template_id, category = excluded.category,
         status = excluded.status, quality = excluded.quality, rejected_reason = excluded.rejected_reason,
         components = excluded.components, parameter_format = excluded.parameter_format, updated_at = excluded.updated_at`,
    ),
  );
  let n = 0;
  for (const t of items) {
    const name = str(t.name);
    const language = str(t.language);
    if (!name || !language) continue;
    const quality = t.quality_score && typeof t.quality_score === 'object' ? str((t.quality_score as { score?: unknown }).score) : null;
    upsert.run({
      id: newId('tpl'),
      wabaId,
      waTemplateId: str(t.id),
      name,
      language,
      category: str(t.category),
      status: str(t.status) ?? 'UNKNOWN',
      quality,
      rejectedReason: str(t.rejected_reason),
      components: JSON.stringify(Array.isArray(t.components) ? t.components : []),
      parameterFormat: str(t.parameter_format),
      now,
    });
    n++;
  }
  return n;
}

/** Templates by name and language, optionally of one WABA or status. */
export function listTemplates(db: Db, f: { wabaId?: string; status?: string }) {
  const where = [];
  if (f.wabaId) where.push(eq(templates.wabaId, f.wabaId));
  if (f.status) where.push(eq(templates.status, f.status));
  return db.select().from(templates).where(where.length ? and(...where) : undefined).orderBy(asc(templates.name), asc(templates.language)).all();
}

/** Number of `{{n}}` / `{{name}}` placeholders in a template's BODY. */
export function bodyParameters(components: unknown[]): string[] {
  const body = components.find((c): c is { type: string; text?: string } => !!c && typeof c === 'object' && (c as { type?: string }).type === 'BODY');
  return [...new Set([...(body?.text ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]!))];
}

/** One template row by Parley id. */
export function getTemplate(db: Db, id: string): TemplateRow | undefined {
  return db.select().from(templates).where(eq(templates.id, id)).get();
}

/** The template a send names: (WABA, name, language) is Meta's key. */
export function findTemplate(db: Db, wabaId: string, name: string, language: string): TemplateRow | undefined {
  return db
    .select()
    .from(templates)
    .where(and(eq(templates.wabaId, wabaId), eq(templates.name, name), eq(templates.language, language)))
    .get();
}

/** Every language a template name exists in, in one WABA. */
export function templateLanguages(db: Db, wabaId: string, name: string): string[] {
  return db
    .select({ language: templates.language })
    .from(templates)
    .where(and(eq(templates.wabaId, wabaId), eq(templates.name, name)))
    .orderBy(asc(templates.language))
    .all()
    .map((r) => r.language);
}

/** Stores how the template's slots are filled (Parley's own; syncs leave it alone). */
export function setTemplateMapping(db: Db, id: string, mapping: TemplateMapping): void {
  db.update(templates).set({ mapping: JSON.stringify(mapping) }).where(eq(templates.id, id)).run();
}

/** Records the last test send (a campaign can require one first). */
export function markTemplateTestSent(db: Db, id: string, at: number): void {
  db.update(templates).set({ testSentAt: at }).where(eq(templates.id, id)).run();
}

/** The pure view of a row that parameter checks work on. */
export function toTemplateShape(t: TemplateRow): TemplateShape {
  let components: unknown[] = [];
  try {
    const parsed = JSON.parse(t.components) as unknown;
    if (Array.isArray(parsed)) components = parsed;
  } catch {
    // a corrupt row behaves like a template without parameters; the next sync rewrites it
  }
  return { name: t.name, language: t.language, status: t.status, category: t.category, parameterFormat: t.parameterFormat, components };
}

/** API shape: Meta's fields plus the slots to fill, the stored mapping and the last test send. */
export function templateToJson(t: TemplateRow) {
  const shape = toTemplateShape(t);
  const components = shape.components;
  return {
    id: t.id,
    wabaId: t.wabaId,
    waTemplateId: t.waTemplateId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    quality: t.quality,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    components,
    bodyParameters: bodyParameters(components),
    slots: templateSlots(shape),
    mapping: parseMapping(t.mapping),
    testSentAt: toIso(t.testSentAt),
    updatedAt: toIso(t.updatedAt),
  };
}
