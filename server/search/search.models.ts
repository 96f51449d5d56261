/** Highlight markers around matched words in snippets (control characters: never in user text, safe in JSON). */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

/** Folds text the way the FTS tokenizer does (unicode61, remove_diacritics 2): no accents, lower case. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The words a person typed, folded (the same words `ftsQuery` turns into prefix terms). */
export function queryTerms(input: string): string[] {
  return (input.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map(fold);
}

const K1 = 1.2;
const B = 0.75;

/**
 * Ranks texts that all matched the same terms (FTS found them) and cuts a highlighted snippet of each.
 * Every candidate holds every term, so bm25's IDF is the same for all of them: term frequency with a
 * length norm (the rest of bm25) orders them, in JavaScript, where it costs nothing — asking FTS5 for
 * `rank` makes it read every posting of common words.
 */
export function rankAndHighlight<T extends { text: string | null }>(rows: readonly T[], terms: readonly string[], window = 12): (T & { score: number; snippet: string })[] {
  // The same words recur across hundreds of hits: each distinct word is folded and matched once per search.
  const hits = new Map<string, boolean>();
  const isHit = (word: string) => {
    let hit = hits.get(word);
    if (hit === undefined) {
      const folded = fold(word);
      hits.set(word, (hit = terms.some((t) => folded.startsWith(t))));
    }
    return hit;
  };
  const docs = rows.map((row) => {
    const text = row.text ?? '';
    const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, hit: isHit(m[0]) }));
    return { row, text, tokens };
  });
  const avg = docs.reduce((s, d) => s + d.tokens.length, 0) / Math.max(1, docs.length) || 1;
  return docs.map(({ row, text, tokens }) => {
    const tf = tokens.filter((t) => t.hit).length;
    const score = (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * tokens.length) / avg));
    return { ...row, score, snippet: snippetOf(text, tokens, window) };
  });
}

function snippetOf(text: string, tokens: { start: number; end: number; hit: boolean }[], window: number): string {
  if (tokens.length === 0) return text.slice(0, 200);
  const first = Math.max(0, tokens.findIndex((t) => t.hit));
  const from = Math.max(0, Math.min(first - Math.floor(window / 3), tokens.length - window));
  const to = Math.min(tokens.length, from + window);
  let out = from > 0 ? '…' : '';
  let at = tokens[from]!.start;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    out += text.slice(at, t.start) + (t.hit ? MARK_START + text.slice(t.start, t.end) + MARK_END : text.slice(t.start, t.end));
    at = t.end;
  }
  return to < tokens.length ? `${out}…` : out + text.slice(at);
}
