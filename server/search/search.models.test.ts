import { describe, expect, it } from 'vitest';
import { fold, MARK_END as E, MARK_START as S, queryTerms, rankAndHighlight } from './search.models.js';

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
