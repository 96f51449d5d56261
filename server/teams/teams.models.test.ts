import { describe, expect, it } from 'vitest';
import { matchesKeyword, nextRoundRobin } from './teams.models.js';

describe('keywords and round-robin', () => {
  it.each([
    ['Qual o preço?', 'preco', true],
    ['PRICE please', 'price', true],
    ['priceless', 'price', false],
    ['I need a refund now', 'refund', true],
    ['order status', 'order status', true],
    ['', 'x', false],
  ])('%j matches %j: %s', (text, keyword, expected) => {
    expect(matchesKeyword(text, keyword)).toBe(expected);
  });

  it('cycles through members in a stable order', () => {
    expect(nextRoundRobin(['b', 'a', 'c'], null)).toBe('a');
    expect(nextRoundRobin(['b', 'a', 'c'], 'a')).toBe('b');
    expect(nextRoundRobin(['b', 'a', 'c'], 'c')).toBe('a');
    expect(nextRoundRobin(['a', 'c'], 'b')).toBe('c'); // b left the team
    expect(nextRoundRobin([], 'a')).toBeNull();
  });
});
