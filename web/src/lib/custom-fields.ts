import { api } from './api/client';

/** A typed field owners add to contacts or deals (Settings → Fields). */
export interface CustomField {
  id: string;
  entity: 'contact' | 'deal';
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select';
  options: string[];
  position: number;
}

export type CustomValues = Record<string, string | number>;
/** Form state: one string per field key ('' = empty). */
export type CustomDraft = Record<string, string>;

export const fetchCustomFields = (entity: 'contact' | 'deal') => api<CustomField[]>(`/custom-fields?entity=${entity}`);

/** Stored values → form strings for the given fields. */
export function customDraft(fields: CustomField[], values: CustomValues): CustomDraft {
  return Object.fromEntries(fields.map((f) => [f.key, values[f.key] === undefined ? '' : String(values[f.key])]));
}

/**
 * The `customFields` patch for what changed between stored values and the form: numbers as numbers,
 * an emptied field as null (the server removes it). Undefined when nothing changed.
 */
export function customPatch(fields: CustomField[], values: CustomValues, draft: CustomDraft): Record<string, string | number | null> | undefined {
  const patch: Record<string, string | number | null> = {};
  for (const f of fields) {
    const before = values[f.key] === undefined ? '' : String(values[f.key]);
    const after = (draft[f.key] ?? '').trim();
    if (after === before) continue;
    if (after === '') patch[f.key] = null;
    else if (f.type === 'number' && Number.isFinite(Number(after))) patch[f.key] = Number(after);
    else patch[f.key] = after; // the server names the problem if it is not a valid value
  }
  return Object.keys(patch).length ? patch : undefined;
}
