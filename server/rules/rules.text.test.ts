import { describe, expect, it } from 'vitest';
import { fold, requiredLiteral, splitWords, textView, vocabularyOf, wholeWordsOf, wordsIn } from './rules.text.js';

describe('fold and words', () => {
  it('folds case and accents like the NFKD + mark-stripping definition, also outside Latin', () => {
    const samples = ['Olá! Pedido 12: ¿tienen CAFÉ? ☕', 'Preço', 'naïve façade', 'ﬁnal Ⅻ', 'Ελληνικά ΟΔΟΣ', 'Tiếng Việt', 'emoji 👍🏽 ok', '', 'already decomposed: a\u0301b e\u0308\u0301', '한국어 텍스트', 'Ｆｕｌｌ ｗｉｄｔｈ', 'İstanbul straße ǅ', 'Kelvin K long ſ', 'Olá Olá Olá'];
    for (const s of samples) expect(fold(s)).toBe(s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
  });

  it('splits on anything that is not a letter or digit, like the Unicode-property split', () => {
    const samples = ['olá! pedido 12: ¿tienen café? ☕', 'a-b_c d', '東京 タワー', '𝒜𝒷 x 😀y', 'x\u{1F600}', '   ', '12,5 €'];
    for (const s of samples) expect(splitWords(s)).toEqual(s.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
  });

  it('finds the words of a vocabulary as a full split would, and only those (hash collisions too)', () => {
    const vocabulary = vocabularyOf(['preco', 'cafe', '12', '東京', '𝒜𝒷', 'Aa']);
    const samples = ['olá! pedido 12: ¿tienen café? ☕', 'preco preco, precos', '東京 タワー 𝒜𝒷 x', 'BB Aa', 'cafe12 12cafe', ''];
    for (const s of samples.map(fold)) expect(wordsIn(s, vocabulary)).toEqual(new Set(splitWords(s).filter((w) => vocabulary.get([...w].reduce((h, _c, i) => (Math.imul(h, 31) + w.charCodeAt(i)) | 0, 0))?.includes(w))));
    // "BB" hashes like "Aa" (31·66 + 66 = 31·65 + 97) and is still not found.
    expect(wordsIn('BB Aa', vocabulary)).toEqual(new Set(['Aa']));
    expect(wordsIn(fold('Preço do café: 12 €'), vocabulary)).toEqual(new Set(['preco', 'cafe', '12']));
  });

  it('prepares a message once: folded text and its distinct words', () => {
    const v = textView({ text: 'Preço? PREÇO!' })!;
    expect(v.folded).toBe('preco? preco!');
    expect([...v.words]).toEqual(['preco']);
    expect(textView({ text: '' })).toBeNull();
  });
});

describe('requiredLiteral', () => {
  it.each([
    ['\\bpedido \\d+:', 'pedido '],
    ['price|cost', null],
    ['(price|cost) list', ' list'],
    ['colou?r', 'colo'],
    ['ab+c', 'ab'],
    ['x{0,2}yz', 'yz'],
    ['[a-z]+ invoice #\\d{3}', ' invoice #'],
    ['ca\\.fé', 'ca.f'],
    ['\\p{L}{2}word', 'word'],
    ['^.$', null],
    ['é', null],
  ])('%s → %s', (source, expected) => {
    expect(requiredLiteral(source)).toBe(expected);
  });

  it('never rejects a text the regex matches', () => {
    const texts = ['Pedido 12: ok', 'PEDIDO 7:', 'Colr', 'COLOUR', 'ﬁnal invoice #123', 'Kelvin \u212Aelvin', 'ſtop', 'price list', 'cost list', 'Olá! Pedido 40: ☕', 'xpedido 40:40', 'ORDER #12 (PAID) ok', 'Ｏｒｄｅｒ #7 (ｐａｉｄ)', 'Order #7 (PAID) now'];
    const sources = ['\\bpedido \\d+:', 'colou?r', 'invoice #\\d{3}', 'kelvin', 'stop', '(price|cost) list', 'final', 'pedido 40:', 'order #\\d+ \\(paid\\)', ' #7 \\(paid\\) '];
    for (const source of sources) {
      const re = new RegExp(source, 'iu');
      const literal = requiredLiteral(source);
      if (!literal) continue;
      for (const text of texts) {
        if (!re.test(text)) continue;
        expect(fold(text), `${source} on ${text}`).toContain(literal);
        // …and every word it holds whole is a word of the text.
        for (const w of wholeWordsOf(literal)) expect(textView({ text })!.words.has(w), `${w} of ${source} in ${text}`).toBe(true);
      }
    }
  });

  it.each([
    ['pedido 40:', ['40']],
    [' list', []],
    ['pedido ', []],
    [' #7 (paid) ', ['7', 'paid']],
    ['invoice', []],
  ])('whole words of %j: %j', (literal, words) => {
    expect(wholeWordsOf(literal)).toEqual(words);
  });
});
