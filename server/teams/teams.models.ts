/** Lower-case, accents removed: "Preço" and "PRECO" match the keyword "preco". */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** Whether `keyword` appears in `text` as a whole word (or phrase), case- and accent-insensitively. */
export function matchesKeyword(text: string, keyword: string): boolean {
  const k = foldText(keyword).trim();
  if (!k) return false;
  const escaped = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(foldText(text));
}

/** The next member after `last` in a stable order (wrapping), or the first when `last` is unknown. */
export function nextRoundRobin(members: readonly string[], last: string | null): string | null {
  if (members.length === 0) return null;
  const sorted = [...members].sort();
  const i = last ? sorted.findIndex((m) => m > last) : 0;
  return sorted[i === -1 ? 0 : i]!;
}
