import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneFromWaId, waIdFromPhone } from './contacts.phone.js';

describe('phone normalisation (E.164)', () => {
  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415.555.2671', 'US', '+14155552671'],
    ['091-2345-678', 'JP', '+81912345678'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+44 20 7946 0958', undefined, '+442079460958'],
    ['11 98765-4321', 'BR', '+5511987654321'],
    ['0612345678', 'NL', '+31612345678'],
    ['912 345 678', 'PT', '+351912345678'],
    ['030 123456', 'DE', '+4930123456'],
    ['+1 415 555 2671', 'BR', '+14155552671'], // an international number ignores the default region
    ['12', 'US', null],
    ['(415) 555-2671', undefined, null], // a local number needs a region
    ['not a phone', 'US', null],
  ] as const)('%s with region %s → %s', (input, region, expected) => {
    expect(normalizePhone(input, region)).toBe(expected);
  });

  it('maps WhatsApp ids to E.164 and back, refusing ids that are not valid numbers', () => {
    expect(phoneFromWaId('14155552671')).toBe('+14155552671');
    expect(phoneFromWaId('5511987654321')).toBe('+5511987654321');
    expect(phoneFromWaId('123')).toBeNull();
    expect(phoneFromWaId(null)).toBeNull();
    expect(waIdFromPhone('+14155552671')).toBe('14155552671');
  });
});
