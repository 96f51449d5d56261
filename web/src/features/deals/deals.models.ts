import type { Deal, MoneyTotal, Pipeline, Stage } from './deals.api';

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY, 3 for KWD), as the server reads amounts. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A decimal amount ("12.5", "1200") → integer minor units of `currency`; null when it is not a plain non-negative decimal. */
export function toMinor(amount: string, currency: string): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return null;
  const digits = minorDigits(currency);
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Integer minor units → the decimal string in major units ("12.50"; "1200" for JPY). */
export function fromMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.round(minor))).padStart(digits + 1, '0');
  return digits === 0 ? sign + abs : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** An amount for people: "€1,200.50" in the browser's locale; '' without an amount. */
export function formatMoney(amount: string | null | undefined, currency: string | null | undefined, locale?: string): string {
  if (amount === null || amount === undefined || !currency) return '';
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: minorDigits(currency) }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A stage's totals in one line: "€1,200.00 · $300.00" ('' when none). */
export const formatTotals = (totals: MoneyTotal[], locale?: string) => totals.map((t) => formatMoney(t.amount, t.currency, locale)).join(' · ');

/**
 * Totals after adding (sign 1) or removing (sign -1) one amount, summed exactly in minor units. A
 * currency whose sum reaches zero is dropped; the order stays by currency code, as the server sends it.
 */
export function adjustTotals(totals: MoneyTotal[], amount: string | null, currency: string | null, sign: 1 | -1): MoneyTotal[] {
  if (amount === null || !currency) return totals;
  const delta = toMinor(amount, currency);
  if (delta === null) return totals;
  const current = totals.find((t) => t.currency === currency);
  const sum = (current ? (toMinor(current.amount, currency) ?? 0) : 0) + sign * delta;
  const rest = totals.filter((t) => t.currency !== currency);
  if (sum <= 0) return rest;
  return [...rest, { currency, amount: fromMinor(sum, currency) }].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** One board column: the deals loaded so far (newest change first), the cursor for more, and the stage's count and totals. */
export interface Column {
  deals: Deal[];
  cursor: string | null;
  count: number;
  totals: MoneyTotal[];
}
export type Columns = Record<string, Column>;

/** The stage a deal is in on the board, or null when it is not loaded. */
export function stageOfDeal(columns: Columns, dealId: string): string | null {
  for (const [stageId, col] of Object.entries(columns)) if (col.deals.some((d) => d.id === dealId)) return stageId;
  return null;
}

/**
 * The board after moving a deal to another column (at its top, as the server orders by last change):
 * counts and totals follow. Null when the deal is not on the board, the column does not exist, or the
 * deal is already there.
 */
export function moveDeal(columns: Columns, dealId: string, toStageId: string, stage?: Pick<Stage, 'id' | 'name' | 'outcome'>): Columns | null {
  const from = stageOfDeal(columns, dealId);
  const target = columns[toStageId];
  if (!from || !target || from === toStageId) return null;
  const source = columns[from]!;
  const deal = source.deals.find((d) => d.id === dealId)!;
  const moved: Deal = { ...deal, stageId: toStageId, stage: stage ? { id: stage.id, name: stage.name, outcome: stage.outcome } : deal.stage };
  return {
    ...columns,
    [from]: { ...source, deals: source.deals.filter((d) => d.id !== dealId), count: Math.max(0, source.count - 1), totals: adjustTotals(source.totals, deal.amount, deal.currency, -1) },
    [toStageId]: { ...target, deals: [moved, ...target.deals], count: target.count + 1, totals: adjustTotals(target.totals, deal.amount, deal.currency, 1) },
  };
}

/** The currency a new deal starts with: the one last used here, else the first one the pipeline shows, else USD. */
export function defaultCurrency(pipeline: Pipeline | undefined, lastUsed: string | null): string {
  if (lastUsed && /^[A-Z]{3}$/.test(lastUsed)) return lastUsed;
  for (const s of pipeline?.stages ?? []) if (s.totals[0]) return s.totals[0].currency;
  return 'USD';
}

/** Up to two initials for a person's badge ("Ana Lopes" → "AL"). */
export const initials = (name: string) =>
  name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0]!.toUpperCase())
    .filter((_, i, all) => i === 0 || i === all.length - 1)
    .join('') || '?';

/** The stage new deals go to: the pipeline's first open stage. */
export const firstOpenStage = (p: Pipeline | undefined) => p?.stages.find((s) => s.outcome === 'open') ?? p?.stages[0];

/** A date input value (YYYY-MM-DD) → ISO at noon local time (stays the same calendar day in any zone nearby); null when empty. */
export function dateInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T12:00:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO time → a date input value in local time ('' for none). */
export function isoToDateInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The edit form's state for a deal (strings as inputs hold them; '' = none). */
export interface DealDraft {
  title: string;
  kind: Deal['kind'];
  reference: string;
  amount: string;
  currency: string;
  pipelineId: string;
  stageId: string;
  ownerId: string;
  closeOn: string;
}

/** A deal as edit form state. */
export function dealDraft(d: Deal): DealDraft {
  return {
    title: d.title,
    kind: d.kind,
    reference: d.reference ?? '',
    amount: d.amount ?? '',
    currency: d.currency ?? '',
    pipelineId: d.pipelineId,
    stageId: d.stageId,
    ownerId: d.ownerId ?? '',
    closeOn: isoToDateInput(d.expectedCloseAt),
  };
}

/**
 * The PATCH body for what the form changed (undefined when nothing did). Amounts compare by value
 * ("12.5" = "12.50"), a comma is read as the decimal point, a moved stage carries its pipeline.
 */
export function dealPatch(d: Deal, draft: DealDraft): Record<string, unknown> | undefined {
  const before = dealDraft(d);
  const patch: Record<string, unknown> = {};
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  if (draft.title.trim() !== before.title) patch.title = draft.title.trim();
  if (draft.kind !== before.kind) patch.kind = draft.kind;
  if (draft.reference.trim() !== before.reference) patch.reference = text(draft.reference);
  const amount = draft.amount.trim().replace(',', '.');
  const currency = draft.currency.trim().toUpperCase();
  const sameAmount = amount === before.amount || (amount !== '' && before.amount !== '' && currency !== '' && toMinor(amount, currency) === toMinor(before.amount, currency));
  if (!sameAmount) patch.amount = text(amount);
  if (currency !== before.currency) patch.currency = text(currency);
  if (draft.stageId !== before.stageId) {
    patch.stageId = draft.stageId;
    if (draft.pipelineId !== before.pipelineId) patch.pipelineId = draft.pipelineId;
  }
  if (draft.ownerId !== before.ownerId) patch.ownerId = text(draft.ownerId);
  if (draft.closeOn !== before.closeOn) patch.expectedCloseAt = dateInputToIso(draft.closeOn);
  return Object.keys(patch).length ? patch : undefined;
}

/**
 * A freshly loaded board with the previous board's deal objects kept where nothing changed, so cards
 * that did not change are not re-created (focus and open menus survive live refreshes).
 */
export function keepUnchanged(prev: Columns, next: Columns): Columns {
  const old = new Map<string, Deal>();
  for (const col of Object.values(prev)) for (const d of col.deals) old.set(d.id, d);
  const same = (a: Deal, b: Deal) => a.updatedAt === b.updatedAt && a.stageId === b.stageId && JSON.stringify(a.stage) === JSON.stringify(b.stage);
  return Object.fromEntries(
    Object.entries(next).map(([id, col]) => [id, { ...col, deals: col.deals.map((d) => (old.has(d.id) && same(old.get(d.id)!, d) ? old.get(d.id)! : d)) }]),
  );
}

/** Per-currency sums in minor units in one line: "€1,200.50 · $3.00" ('' when none). */
export const formatMinorTotals = (values: readonly { currency: string; amountMinor: number }[], locale?: string) =>
  values.map((v) => formatMoney(fromMinor(v.amountMinor, v.currency), v.currency, locale)).join(' · ');
