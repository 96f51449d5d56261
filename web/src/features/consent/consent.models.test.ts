import { describe, expect, it } from 'vitest';
import type { ConsentEvent } from './consent.api';
import { consentState, historyLine, sourceLabel } from './consent.models';

const ev = (status: ConsentEvent['status'], source: string, at: string, over: Partial<ConsentEvent> = {}): ConsentEvent => ({ status, source, actorId: null, detail: null, at, ...over });

describe('consent', () => {
  it('says the current state with its source and time', () => {
    expect(consentState({ optedOut: false, source: null, history: [] })).toEqual({ state: 'unknown', label: 'Not recorded', source: null, at: null });
    const optIn = ev('opted_in', 'form', '2026-03-02T10:00:00Z');
    expect(consentState({ optedOut: false, source: 'form', history: [optIn] })).toEqual({ state: 'opted_in', label: 'Opted in', source: 'form', at: '2026-03-02T10:00:00Z' });
    const stop = ev('opted_out', 'keyword', '2026-03-03T10:00:00Z', { detail: 'STOP' });
    expect(consentState({ optedOut: true, source: 'keyword', history: [stop, optIn] })).toEqual({ state: 'opted_out', label: 'Opted out', source: 'keyword', at: '2026-03-03T10:00:00Z' });
    // Opted out before history was kept (an older import): the flag wins, without a time.
    expect(consentState({ optedOut: true, source: 'import', history: [] })).toMatchObject({ state: 'opted_out', source: 'import', at: null });
  });
  it('writes history lines', () => {
    expect(historyLine(ev('opted_out', 'keyword', 'x', { detail: ' STOP ' }))).toBe('Opted out · a keyword message · “STOP”');
    expect(historyLine(ev('opted_in', 'manual', 'x', { actorId: 'usr_1', detail: 'asked at the counter' }), new Map([['usr_1', 'Ana']]))).toBe('Opted in · recorded by hand · by Ana · “asked at the counter”');
    expect(historyLine(ev('opted_in', 'form', 'x', { actorId: 'usr_9' }))).toBe('Opted in · a form · by a teammate');
    expect(sourceLabel('some_thing')).toBe('some thing');
    expect(sourceLabel(null)).toBe('unknown');
  });
});
