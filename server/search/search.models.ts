import { wordCharAt } from '../lib/words.js';

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
 * Ranks texts that all matched the same terms (FTS found them). Every candidate holds every term, so bm25's
 * IDF is the same for all of them: term frequency with a length norm (the rest of bm25) orders them, in
 * JavaScript, where it costs little — asking FTS5 for `rank` makes it read every posting of common words.
 * Up to 500 candidates of up to 4 KB each are scored per search: words are counted by a character scan,
 * and only a word that can start like a term (its first letter) is cut out and folded.
 */
export function scoreHits<T extends { text: string | null }>(rows: readonly T[], terms: readonly string[]): (T & { score: number })[] {
  const isHit = hitTest(terms);
  const firsts = new Set(terms.map((t) => t.charCodeAt(0)));
  const counts = rows.map((row) => {
    const text = row.text ?? '';
    let words = 0;
    let tf = 0;
    for (let i = 0; i < text.length; i++) {
      let width = wordCharAt(text, i);
      if (!width) continue;
      const start = i;
      while (width) {
        i += width;
        width = i < text.length ? wordCharAt(text, i) : 0;
      }
      words++;
      // An ASCII first letter folds to itself in lower case: a word no term starts with is not cut out.
      const c = text.charCodeAt(start);
      if (c >= 128 || firsts.has(c | (c >= 65 && c <= 90 ? 0x20 : 0))) tf += isHit(text.slice(start, i)) ? 1 : 0;
    }
    return { words, tf };
  });
  const avg = counts.reduce((sum, c) => sum + c.words, 0) / Math.max(1, counts.length) || 1;
  return rows.map((row, n) => {
    const { words, tf } = counts[n]!;
    return { ...row, score: (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * words) / avg)) };
  });
}

/** A highlighted snippet of `text`: a window of words around its first match, matches marked. */
export function highlight(text: string | null, terms: readonly string[], window = 12): string {
  const isHit = hitTest(terms);
  const t = text ?? '';
  const tokens = [...t.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, hit: isHit(m[0]) }));
  return snippetOf(t, tokens, window);
}

/** Whether a word matches a term as the FTS prefix query did; each distinct word is folded once. */
function hitTest(terms: readonly string[]): (word: string) => boolean {
  const hits = new Map<string, boolean>();
  return (word) => {
    let hit = hits.get(word);
    if (hit === undefined) {
      const folded = fold(word);
      hits.set(word, (hit = terms.some((t) => folded.startsWith(t))));
    }
    return hit;
  };
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
