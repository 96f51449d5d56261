/** A custom field's key from its label: "Shoe size (EU)" → "shoe_size_eu" (letters, digits, _; starts with a letter). */
export function fieldKey(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return key;
}

/** "a, b ,, c" → ["a", "b", "c"] (keywords, select options). */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A minutes field: empty → null (no target), otherwise a whole number of minutes. */
export function parseMinutes(text: string): number | null {
  const t = text.trim();
  return t === '' ? null : Math.round(Number(t));
}

/** "team.members_set" → "Team members set", "custom_field.created" → "Custom field created". */
export function actionLabel(action: string): string {
  const text = action.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const MAX_VALUE = 60;

/** A value in one short line: text as is, lists joined, nothing as "—", long ones cut. */
export function compactValue(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '—';
  else if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) text = value.length ? value.join(', ') : '[]';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export interface Change {
  key: string;
  before?: string;
  after?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What an audit entry changed, field by field. `after` is often the request's patch, so its fields are the
 * ones that changed (unchanged ones left out); a deletion has only `before`. A side that lacks the field
 * is left out of the change. Non-object values become one change with an empty key. `show` writes a
 * value (given its field's name) in one short line.
 */
export function auditChanges(before: unknown, after: unknown, show: (value: unknown, key: string) => string = compactValue): Change[] {
  const b = before ?? undefined;
  const a = after ?? undefined;
  if (b === undefined && a === undefined) return [];
  if ((b === undefined || isRecord(b)) && (a === undefined || isRecord(a))) {
    const keys = Object.keys(a ?? b ?? {});
    return keys
      .filter((k) => JSON.stringify(b?.[k]) !== JSON.stringify(a?.[k]))
      .map((k) => ({
        key: k,
        ...(b && k in b ? { before: show(b[k], k) } : {}),
        ...(a && k in a ? { after: show(a[k], k) } : {}),
      }));
  }
  return [{ key: '', ...(b !== undefined ? { before: show(b, '') } : {}), ...(a !== undefined ? { after: show(a, '') } : {}) }];
}

/**
 * An audit value for people: times (`…At` fields, epoch ms or ISO) as local date-times and known ids
 * (people, teams, stages… see `auditNames`) as names; everything else compacted.
 */
export function auditValue(value: unknown, key: string, names: ReadonlyMap<string, string>): string {
  if (/At$/.test(key) && (typeof value === 'number' || typeof value === 'string')) {
    const t = typeof value === 'number' ? value : Date.parse(value);
    if (Number.isFinite(t) && t > 0) return new Date(t).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  }
  if (typeof value === 'string' && names.has(value)) return names.get(value)!;
  if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string' && names.has(v))) return compactValue(value.map((v: string) => names.get(v)));
  return compactValue(value);
}

type Named = { id: string; name: string };

/**
 * One id → name map for the audit log: people, teams, rules, pipelines and their stages. Audit entries store
 * ids (`teamId`, `stageId`, `fromStageId`…), which mean nothing to a reader. Stages are named after their
 * pipeline when there are several ("Sales › Won"), since stage names repeat across pipelines. Lists still
 * loading or failed are simply empty: their ids then show as they are.
 */
export function auditNames(lists: { users?: Named[]; teams?: Named[]; rules?: Named[]; pipelines?: (Named & { stages: Named[] })[] }): Map<string, string> {
  const names = new Map<string, string>();
  for (const x of [...(lists.users ?? []), ...(lists.teams ?? []), ...(lists.rules ?? [])]) names.set(x.id, x.name);
  const pipelines = lists.pipelines ?? [];
  for (const p of pipelines) {
    names.set(p.id, p.name);
    for (const s of p.stages) names.set(s.id, pipelines.length > 1 ? `${p.name} › ${s.name}` : s.name);
  }
  return names;
}

/** Meta's messaging-limit tiers: unique customers a number may start conversations with per 24 hours. */
export const MESSAGING_LIMITS: { value: number | null; label: string }[] = [
  { value: 250, label: '250 a day' },
  { value: 2000, label: '2 000 a day' },
  { value: 10_000, label: '10 000 a day' },
  { value: 100_000, label: '100 000 a day' },
  { value: null, label: 'Unlimited' },
];
/** A limit as a select value ("unlimited" for none), and back. */
export const limitOption = (limit: number | null | undefined) => (limit === null || limit === undefined ? 'unlimited' : String(limit));
export const optionLimit = (option: string): number | null => (option === 'unlimited' ? null : Number(option));

/** The consent part of the workspace form: keyword lists as typed text, confirmations ('' = none). */
export interface ConsentForm {
  optOutKeywords: string;
  optInKeywords: string;
  optOutConfirmation: string;
  optInConfirmation: string;
  utilityNeedsConsent: boolean;
  messagingLimit: string;
}

/** The form state for the stored settings. */
export function consentForm(s: { optOutKeywords?: string[]; optInKeywords?: string[]; optOutConfirmation?: string | null; optInConfirmation?: string | null; utilityNeedsConsent?: boolean; messagingLimit?: number | null }): ConsentForm {
  return {
    optOutKeywords: (s.optOutKeywords ?? []).join(', '),
    optInKeywords: (s.optInKeywords ?? []).join(', '),
    optOutConfirmation: s.optOutConfirmation ?? '',
    optInConfirmation: s.optInConfirmation ?? '',
    utilityNeedsConsent: s.utilityNeedsConsent ?? false,
    messagingLimit: limitOption(s.messagingLimit),
  };
}

/** The PATCH fields for the form, or an error to show (an opt-out keyword must remain: customers need a way out). */
export function consentPatch(f: ConsentForm): { patch: { optOutKeywords: string[]; optInKeywords: string[]; optOutConfirmation: string | null; optInConfirmation: string | null; utilityNeedsConsent: boolean; messagingLimit: number | null } } | { error: string } {
  const optOut = [...new Set(splitList(f.optOutKeywords))];
  if (!optOut.length) return { error: 'Keep at least one opt-out keyword: customers must always have a way to stop messages.' };
  const long = [...optOut, ...splitList(f.optInKeywords)].find((k) => k.length > 40);
  if (long) return { error: `“${long.slice(0, 20)}…” is too long for a keyword (40 characters at most).` };
  const text = (v: string) => (v.trim() ? v.trim() : null);
  return {
    patch: {
      optOutKeywords: optOut,
      optInKeywords: [...new Set(splitList(f.optInKeywords))],
      optOutConfirmation: text(f.optOutConfirmation),
      optInConfirmation: text(f.optInConfirmation),
      utilityNeedsConsent: f.utilityNeedsConsent,
      messagingLimit: optionLimit(f.messagingLimit),
    },
  };
}
