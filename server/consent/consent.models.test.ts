import { describe, expect, it } from 'vitest';
import { consentKeyword, DEFAULT_OPT_IN_KEYWORDS as IN, DEFAULT_OPT_OUT_KEYWORDS as OUT } from './consent.models.js';

const keywords = { optOut: OUT, optIn: IN };

describe('consent keywords', () => {
  it.each([
    ['STOP', 'opted_out'],
    ['stop', 'opted_out'],
    [' Stop! ', 'opted_out'],
    ['arrêt', 'opted_out'],
    ['ARRET', 'opted_out'],
    ['Parar.', 'opted_out'],
    ['baja', 'opted_out'],
    ['unsubscribe', 'opted_out'],
    ['START', 'opted_in'],
    ['começar', 'opted_in'],
    ['comecar', 'opted_in'],
    ['please stop sending me offers', null],
    ['stop by the shop tomorrow?', null],
    ['', null],
    [null, null],
  ] as const)('%j → %s', (text, expected) => {
    expect(consentKeyword(text, keywords)).toBe(expected);
  });

  it('uses the workspace’s own words when configured', () => {
    expect(consentKeyword('NO MORE', { optOut: ['no more'], optIn: [] })).toBe('opted_out');
    expect(consentKeyword('STOP', { optOut: ['no more'], optIn: [] })).toBeNull();
  });
});
