import { describe, expect, it } from 'vitest';
import { formatMinor, isCurrency, minorUnitsOf, parseAmount, paymentTransition, stageListError, timeInStages } from './pipelines.models.js';

describe('money', () => {
  it('knows each currency’s minor units', () => {
    expect([minorUnitsOf('EUR'), minorUnitsOf('JPY'), minorUnitsOf('KRW'), minorUnitsOf('KWD')]).toEqual([2, 0, 0, 3]);
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('XXQ')).toBe(false);
  });

  it.each([
    ['123.45', 'EUR', 12345],
    [123.45, 'EUR', 12345],
    ['1200', 'JPY', 1200],
    ['1200.00', 'JPY', 1200],
    ['0.5', 'EUR', 50],
    [19.99, 'USD', 1999],
    ['1.234', 'KWD', 1234],
    [0, 'EUR', 0],
  ])('parses %s %s exactly as %i minor units', (raw, currency, minor) => {
    expect(parseAmount(raw, currency)).toEqual({ minor });
  });

  it.each([
    ['12.345', 'EUR', 'at most 2 decimal places'],
    ['1200.5', 'JPY', 'no decimal places'],
    ['-5', 'EUR', 'non-negative'],
    ['1e3', 'EUR', 'decimal number'],
    [1e300, 'EUR', 'decimal number'],
    ['abc', 'EUR', 'decimal number'],
    ['', 'EUR', 'decimal number'],
    ['99999999999999999999', 'EUR', 'too large'],
    [0.1 + 0.2, 'EUR', 'at most 2'],
  ])('refuses %s %s', (raw, currency, message) => {
    const r = parseAmount(raw, currency);
    expect('error' in r && r.error).toContain(message);
  });

  it('formats minor units back to major-unit strings', () => {
    expect([formatMinor(12345, 'EUR'), formatMinor(5, 'EUR'), formatMinor(0, 'EUR'), formatMinor(1200, 'JPY'), formatMinor(1234, 'KWD'), formatMinor(-150, 'EUR')]).toEqual([
      '123.45',
      '0.05',
      '0.00',
      '1200',
      '1.234',
      '-1.50',
    ]);
    expect(formatMinor(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('90071992547409.91');
  });
});

describe('rules', () => {
  it('allows only sensible payment transitions', () => {
    expect(paymentTransition('pending', 'pending')).toBe('same');
    expect(paymentTransition('pending', 'paid')).toBe('ok');
    expect(paymentTransition('failed', 'pending')).toBe('ok');
    expect(paymentTransition('paid', 'refunded')).toBe('ok');
    expect(paymentTransition('paid', 'pending')).toBe('refused');
    expect(paymentTransition('paid', 'failed')).toBe('refused');
    expect(paymentTransition('pending', 'refunded')).toBe('refused');
    expect(paymentTransition('refunded', 'paid')).toBe('refused');
  });

  it('checks stage lists', () => {
    expect(stageListError([])).toMatch(/at least one stage/);
    expect(stageListError([{ name: 'Won', outcome: 'won' }])).toMatch(/open stage/);
    expect(stageListError([{ name: 'New', outcome: 'open' }, { name: 'new', outcome: 'open' }])).toMatch(/two stages/);
    expect(stageListError([{ name: 'New', outcome: 'open' }, { name: 'Won', outcome: 'won' }])).toBeNull();
  });

  it('sums time per stage, counting the current one up to now', () => {
    const history = [
      { fromStageId: null, msInPrevious: null },
      { fromStageId: 'a', msInPrevious: 100 },
      { fromStageId: 'b', msInPrevious: 50 },
      { fromStageId: 'a', msInPrevious: 10 },
    ];
    expect(timeInStages(history, { stageId: 'c', enteredAt: 1000 }, 1300)).toEqual([
      { stageId: 'a', ms: 110, current: false },
      { stageId: 'b', ms: 50, current: false },
      { stageId: 'c', ms: 300, current: true },
    ]);
  });
});
