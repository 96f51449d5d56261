import type { PAYMENT_STATUSES, STAGE_OUTCOMES } from '../../db/schema/pipelines.js';

export type StageOutcome = (typeof STAGE_OUTCOMES)[number];
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

let currencies: Set<string> | undefined;

/** True for an ISO 4217 code the runtime's ICU knows (`EUR`, `JPY`, …). */
export function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

/** Digits after the decimal point of a currency: 2 for EUR/USD, 0 for JPY/KRW, 3 for KWD/BHD. */
export function minorUnitsOf(currency: string): number {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * A decimal amount in major units ("123.45", 123.45, "1200") → integer minor units of `currency`.
 * Exact (string arithmetic, no float rounding); refuses negatives, exponents, more decimals than the
 * currency has (trailing zeros are fine: "1200.00" JPY) and values past Number.MAX_SAFE_INTEGER.
 */
export function parseAmount(raw: string | number, currency: string): { minor: number } | { error: string } {
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return { error: `must be a non-negative decimal number like 123.45 (got "${text.slice(0, 40)}")` };
  const digits = minorUnitsOf(currency);
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { error: digits === 0 ? `${currency} has no decimal places` : `${currency} has at most ${digits} decimal places` };
  const minor = BigInt(m[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { error: 'is too large' };
  return { minor: Number(minor) };
}

/** Integer minor units → the decimal string in major units ("123.45", "1200" for JPY). */
export function formatMinor(minor: number | bigint, currency: string): string {
  const digits = minorUnitsOf(currency);
  const value = typeof minor === 'bigint' ? minor : BigInt(Math.round(minor));
  const sign = value < 0n ? '-' : '';
  const abs = (value < 0n ? -value : value).toString().padStart(digits + 1, '0');
  return digits === 0 ? sign + abs : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/**
 * Whether a payment may go from `from` to `to`. Repeating the current status is a no-op ('same').
 * A paid payment can only be refunded; a refunded one is final. Everything else may move freely
 * (a failed card can be retried → pending; a pending link can be cancelled), so late or duplicate
 * provider callbacks cannot un-pay a deal.
 */
export function paymentTransition(from: PaymentStatus, to: PaymentStatus): 'same' | 'ok' | 'refused' {
  if (from === to) return 'same';
  if (from === 'refunded') return 'refused';
  if (from === 'paid') return to === 'refunded' ? 'ok' : 'refused';
  return to === 'refunded' ? 'refused' : 'ok';
}

/** Checks a pipeline's stage list: at least one stage, one open stage, no duplicate names. Returns an error or null. */
export function stageListError(stages: { name: string; outcome: StageOutcome }[]): string | null {
  if (stages.length === 0) return 'needs at least one stage';
  if (!stages.some((s) => s.outcome === 'open')) return 'needs at least one open stage (deals start in one)';
  const seen = new Set<string>();
  for (const s of stages) {
    const key = s.name.toLowerCase();
    if (seen.has(key)) return `two stages are named "${s.name}"`;
    seen.add(key);
  }
  return null;
}

/**
 * Total time a deal spent in each stage, from its history (each row says how long it sat in the stage it
 * left) plus the stage it is in now (counted up to `now`). Order: first entered first.
 */
export function timeInStages(
  history: { fromStageId: string | null; msInPrevious: number | null }[],
  current: { stageId: string; enteredAt: number },
  now: number,
): { stageId: string; ms: number; current: boolean }[] {
  const totals = new Map<string, number>();
  for (const h of history) if (h.fromStageId) totals.set(h.fromStageId, (totals.get(h.fromStageId) ?? 0) + (h.msInPrevious ?? 0));
  totals.set(current.stageId, (totals.get(current.stageId) ?? 0) + Math.max(0, now - current.enteredAt));
  return [...totals].map(([stageId, ms]) => ({ stageId, ms, current: stageId === current.stageId }));
}
