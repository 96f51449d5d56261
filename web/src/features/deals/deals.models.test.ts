import { describe, expect, it } from 'vitest';
import type { Deal, Pipeline } from './deals.api';
import { adjustTotals, dateInputToIso, dealDraft, dealPatch, defaultCurrency, formatMinorTotals, formatMoney, fromMinor, initials, isoToDateInput, keepUnchanged, moveDeal, toMinor, type Columns } from './deals.models';

const deal = (id: string, stageId: string, amount: string | null = null, currency: string | null = null): Deal => ({
  id, kind: 'deal', title: `Deal ${id}`, reference: null, amount, currency, pipelineId: 'pl_1', stageId, stage: { id: stageId, name: stageId, outcome: 'open' },
  ownerId: null, contactId: null, conversationId: null, expectedCloseAt: null, customFields: {}, stageEnteredAt: '2026-01-01T00:00:00.000Z', closedAt: null,
  payment: { status: 'none', amount: null, currency: null, link: null, providerRef: null, updatedAt: null }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('money', () => {
  it('reads decimal amounts into minor units by the currency and back, exactly', () => {
    expect(toMinor('12.5', 'EUR')).toBe(1250);
    expect(toMinor('0.1', 'EUR')! + toMinor('0.2', 'EUR')!).toBe(30); // no float drift
    expect(toMinor('1200', 'JPY')).toBe(1200);
    expect(toMinor('1.5', 'JPY')).toBeNull(); // yen has no decimals
    expect(toMinor('1.234', 'KWD')).toBe(1234);
    expect(toMinor('-3', 'EUR')).toBeNull();
    expect(toMinor('1e3', 'EUR')).toBeNull();
    expect(fromMinor(1250, 'EUR')).toBe('12.50');
    expect(fromMinor(5, 'EUR')).toBe('0.05');
    expect(fromMinor(1200, 'JPY')).toBe('1200');
  });
  it('formats amounts with the currency, and nothing without one', () => {
    expect(formatMoney('1200.5', 'EUR', 'en-US')).toBe('€1,200.50');
    expect(formatMoney('1200', 'JPY', 'en-US')).toBe('¥1,200');
    expect(formatMoney('10', 'USD', 'de-DE').replace(/\s/g, ' ')).toBe('10,00 $'); // ICU puts a no-break space there
    expect(formatMoney(null, 'EUR')).toBe('');
    expect(formatMoney('10', null)).toBe('');
  });
  it('formats per-currency sums kept in minor units', () => {
    expect(formatMinorTotals([{ currency: 'EUR', amountMinor: 120050 }, { currency: 'JPY', amountMinor: 500 }], 'en-US')).toBe('€1,200.50 · ¥500');
    expect(formatMinorTotals([])).toBe('');
  });
  it('adds and removes amounts from per-currency totals, dropping a currency at zero', () => {
    const totals = [{ currency: 'EUR', amount: '100.10' }];
    expect(adjustTotals(totals, '0.20', 'EUR', 1)).toEqual([{ currency: 'EUR', amount: '100.30' }]);
    expect(adjustTotals(totals, '5', 'BRL', 1)).toEqual([{ currency: 'BRL', amount: '5.00' }, ...totals]);
    expect(adjustTotals(totals, '100.10', 'EUR', -1)).toEqual([]);
    expect(adjustTotals(totals, null, null, 1)).toBe(totals);
  });
  it('starts new deals in the last used currency, else one the pipeline shows', () => {
    const p = { stages: [{ totals: [] }, { totals: [{ currency: 'BRL', amount: '1.00' }] }] } as unknown as Pipeline;
    expect(defaultCurrency(p, 'EUR')).toBe('EUR');
    expect(defaultCurrency(p, null)).toBe('BRL');
    expect(defaultCurrency(undefined, 'junk')).toBe('USD');
  });
});

describe('board moves', () => {
  const board = (): Columns => ({
    new: { deals: [deal('a', 'new', '10', 'EUR'), deal('b', 'new')], cursor: null, count: 2, totals: [{ currency: 'EUR', amount: '10.00' }] },
    won: { deals: [deal('c', 'won', '5', 'EUR')], cursor: 'more', count: 7, totals: [{ currency: 'EUR', amount: '5.00' }] },
  });
  it('moves a card to the top of the other column with counts and totals', () => {
    const next = moveDeal(board(), 'a', 'won', { id: 'won', name: 'Won', outcome: 'won' })!;
    expect(next.new!.deals.map((d) => d.id)).toEqual(['b']);
    expect(next.won!.deals.map((d) => d.id)).toEqual(['a', 'c']);
    expect(next.won!.deals[0]).toMatchObject({ stageId: 'won', stage: { name: 'Won', outcome: 'won' } });
    expect([next.new!.count, next.won!.count]).toEqual([1, 8]);
    expect(next.new!.totals).toEqual([]);
    expect(next.won!.totals).toEqual([{ currency: 'EUR', amount: '15.00' }]);
    expect(next.won!.cursor).toBe('more');
  });
  it('rolls back by moving again, and refuses no-op moves', () => {
    const there = moveDeal(board(), 'a', 'won')!;
    const back = moveDeal(there, 'a', 'new')!;
    expect(back.new!.count).toBe(2);
    expect(back.new!.totals).toEqual([{ currency: 'EUR', amount: '10.00' }]);
    expect(moveDeal(board(), 'a', 'new')).toBeNull();
    expect(moveDeal(board(), 'zz', 'won')).toBeNull();
    expect(moveDeal(board(), 'a', 'nowhere')).toBeNull();
  });
  it('keeps unchanged deal objects across refreshes', () => {
    const prev = board();
    const fresh = board();
    fresh.new!.deals[1] = { ...fresh.new!.deals[1]!, updatedAt: '2026-02-01T00:00:00.000Z' };
    const kept = keepUnchanged(prev, fresh);
    expect(kept.new!.deals[0]).toBe(prev.new!.deals[0]);
    expect(kept.new!.deals[1]).toBe(fresh.new!.deals[1]);
  });
});

describe('deal edit form', () => {
  it('sends only what changed, amounts compared by value', () => {
    const d = deal('a', 'new', '10.50', 'EUR');
    expect(dealPatch(d, dealDraft(d))).toBeUndefined();
    expect(dealPatch(d, { ...dealDraft(d), amount: '10.5' })).toBeUndefined();
    expect(dealPatch(d, { ...dealDraft(d), amount: '11,25', title: ' New title ' })).toEqual({ amount: '11.25', title: 'New title' });
    expect(dealPatch(d, { ...dealDraft(d), amount: '', ownerId: '' })).toEqual({ amount: null });
    expect(dealPatch(d, { ...dealDraft(d), pipelineId: 'pl_2', stageId: 'stg_x' })).toEqual({ stageId: 'stg_x', pipelineId: 'pl_2' });
    expect(dealPatch(d, { ...dealDraft(d), stageId: 'won' })).toEqual({ stageId: 'won' });
  });
  it('keeps expected-close dates on the same calendar day', () => {
    const iso = dateInputToIso('2026-07-14')!;
    expect(isoToDateInput(iso)).toBe('2026-07-14');
    expect(dateInputToIso('')).toBeNull();
    expect(isoToDateInput(null)).toBe('');
  });
});

describe('owner badge', () => {
  it('shows first and last initials', () => {
    expect(initials('Ana Maria Lopes')).toBe('AL');
    expect(initials('  rosa ')).toBe('R');
    expect(initials('Émile Zola')).toBe('ÉZ');
    expect(initials('')).toBe('?');
  });
});
