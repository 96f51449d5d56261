import { describe, expect, it } from 'vitest';
import { fold, highlight, MARK_END as E, MARK_START as S, queryTerms, scoreHits } from './search.models.js';

/** Every row scored and highlighted (a search highlights only the rows it returns). */
const rankAndHighlight = <T extends { text: string | null }>(rows: T[], terms: string[], window?: number) => scoreHits(rows, terms).map((r) => ({ ...r, snippet: highlight(r.text, terms, window) }));

describe('search ranking and snippets', () => {
  it('folds accents and case like the FTS tokenizer', () => {
    expect(fold('Preço ÁGUA Crème')).toBe('preco agua creme');
    expect(queryTerms('preço, "entrega"?')).toEqual(['preco', 'entrega']);
  });

  it('marks prefix matches whatever their accents, and keeps the text around them', () => {
    const [r] = rankAndHighlight([{ text: 'Qual é o preço da entrega para Lisboa?' }], queryTerms('preco entreg'));
    expect(r!.snippet).toBe(`Qual é o ${S}preço${E} da ${S}entrega${E} para Lisboa?`);
  });

  it('cuts a window around the first match of a long text', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    words[30] = 'refund';
    const [r] = rankAndHighlight([{ text: words.join(' ') }], ['refund'], 6);
    expect(r!.snippet).toBe(`…w28 w29 ${S}refund${E} w31 w32 w33…`);
  });

  it('scores by a character scan exactly as by the Unicode word regex', () => {
    const rows = [
      { text: 'Qual é o PREÇO da entrega? Preços, preçário… entregas!' },
      { text: 'Ébano, éclair and ENTREGA 2x; ﬁnal Σίσυφος 東京 𝒜𝒷 price-list' },
      { text: 'nothing here but words words words and 123 numbers' },
      { text: null },
      { text: '👍🏽 ok — "Entrega" amanhã, preço fixo' },
    ];
    const terms = queryTerms('preço entreg 東京 ébano');
    const reference = (() => {
      const docs = rows.map((r) => {
        const words = [...(r.text ?? '').matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
        return { words: words.length, tf: words.filter((w) => terms.some((t) => fold(w).startsWith(t))).length };
      });
      const avg = docs.reduce((s, d) => s + d.words, 0) / docs.length;
      return docs.map(({ words, tf }) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * words) / avg)));
    })();
    const scores = scoreHits(rows, terms).map((r) => r.score);
    scores.forEach((s, i) => expect(s).toBeCloseTo(reference[i]!, 12));
    expect(scores.filter((s) => s > 0)).toHaveLength(3); // not vacuous
  });

  it('ranks more mentions in a shorter text first (bm25 without the constant IDF)', () => {
    const rows = [
      { id: 'long-one', text: 'refund ' + 'filler '.repeat(40) },
      { id: 'short-two', text: 'refund please, refund now' },
      { id: 'short-one', text: 'a refund please' },
    ];
    const ranked = rankAndHighlight(rows, ['refund']).sort((a, b) => b.score - a.score);
    expect(ranked.map((r) => r.id)).toEqual(['short-two', 'short-one', 'long-one']);
  });
});
