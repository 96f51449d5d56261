/** Median of a list (null for none); the mean of the middle two for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Every calendar day from `from` to `to` (YYYY-MM-DD, inclusive), so charts show empty days as zero. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

export interface CycleRow {
  key: string | null;
  openedAt: number;
  firstResponseAt: number | null;
  resolvedAt: number;
}

/** First-response and resolution medians (minutes, one decimal) per key (agent or team). */
export function cycleMedians(rows: readonly CycleRow[]) {
  const groups = new Map<string | null, CycleRow[]>();
  for (const r of rows) {
    const list = groups.get(r.key);
    if (list) list.push(r);
    else groups.set(r.key, [r]);
  }
  const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6_000) / 10);
  return [...groups].map(([key, list]) => ({
    key,
    resolved: list.length,
    firstResponseMedianMinutes: minutes(median(list.filter((r) => r.firstResponseAt !== null).map((r) => r.firstResponseAt! - r.openedAt))),
    resolutionMedianMinutes: minutes(median(list.map((r) => r.resolvedAt - r.openedAt))),
  }));
}
