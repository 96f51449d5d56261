import { describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  explainGraphError,
  GraphError,
  GraphNetworkError,
  MediaTooLargeError,
  type RetryClass,
} from './graph.errors.js';

function graphError(code: number | null, httpStatus = 400, isTransient: boolean | null = null): GraphError {
  return new GraphError({
    httpStatus,
    code,
    subcode: null,
    type: 'OAuthException',
    title: 'x',
    details: null,
    fbtraceId: null,
    isTransient,
  });
}

describe('classifyGraphError', () => {
  const table: [number, RetryClass][] = [
    [4, 'transient'],
    [80007, 'transient'],
    [130429, 'throughput'],
    [131056, 'pair_limit'],
    [131057, 'transient'],
    [131000, 'transient'],
    [131016, 'transient'],
    [2, 'transient'],
    [133004, 'transient'],
    [190, 'reauth'],
    [0, 'reauth'],
    [131047, 'permanent'],
    [131026, 'permanent'],
    [131049, 'permanent'],
    [131050, 'permanent'],
    [131048, 'permanent'],
    [132000, 'permanent'],
    [132001, 'permanent'],
    [132015, 'permanent'],
    [132016, 'permanent'],
    [131053, 'permanent'],
    [100, 'permanent'],
    [131008, 'permanent'],
    [131009, 'permanent'],
    [368, 'permanent'],
    [131031, 'permanent'],
    [130497, 'permanent'],
    [131051, 'permanent'],
    [131052, 'permanent'],
    [130472, 'permanent'],
    [131021, 'permanent'],
    [133010, 'permanent'],
    [131042, 'permanent'],
    [131062, 'permanent'],
  ];

  it.each(table)('code %i (HTTP 400) → %s', (code, expected) => {
    expect(classifyGraphError(graphError(code)).retry).toBe(expected);
  });

  it('treats any HTTP 5xx as transient, with or without a code', () => {
    expect(classifyGraphError(graphError(null, 502))).toEqual({ retry: 'transient', delayMs: null });
    expect(classifyGraphError(graphError(999999, 500)).retry).toBe('transient');
    expect(classifyGraphError(graphError(999999, 499)).retry).toBe('permanent');
  });

  it('honours is_transient: true on an otherwise unknown code', () => {
    expect(classifyGraphError(graphError(999999, 400, true)).retry).toBe('transient');
    expect(classifyGraphError(graphError(999999, 400, false)).retry).toBe('permanent');
  });

  it('does not let is_transient override a re-auth code', () => {
    expect(classifyGraphError(graphError(190, 401, true)).retry).toBe('reauth');
  });

  it('treats network errors, timeouts and aborts as transient', () => {
    expect(classifyGraphError(new GraphNetworkError('down', { timedOut: false }))).toEqual({ retry: 'transient', delayMs: null });
    expect(classifyGraphError(new GraphNetworkError('slow', { timedOut: true })).retry).toBe('transient');
    expect(classifyGraphError(new DOMException('aborted', 'AbortError')).retry).toBe('transient');
  });

  it('suggests ~1 s for throughput and 4^attempt seconds for the pair limit (capped)', () => {
    expect(classifyGraphError(graphError(130429), 3)).toEqual({ retry: 'throughput', delayMs: 1000 });
    expect(classifyGraphError(graphError(131056)).delayMs).toBe(1000);
    expect(classifyGraphError(graphError(131056), 1).delayMs).toBe(4000);
    expect(classifyGraphError(graphError(131056), 2).delayMs).toBe(16000);
    expect(classifyGraphError(graphError(131056), 3).delayMs).toBe(64000);
    expect(classifyGraphError(graphError(131056), 50).delayMs).toBe(4 ** 6 * 1000);
    expect(classifyGraphError(graphError(4), 2).delayMs).toBeNull();
  });

  it('falls back on the HTTP status when there is no Meta code', () => {
    expect(classifyGraphError(graphError(null, 401)).retry).toBe('reauth');
    expect(classifyGraphError(graphError(null, 429)).retry).toBe('throughput');
    expect(classifyGraphError(graphError(null, 404)).retry).toBe('permanent');
  });

  it('treats oversize media and non-Graph errors as permanent', () => {
    expect(classifyGraphError(new MediaTooLargeError(200, 10)).retry).toBe('permanent');
    expect(classifyGraphError(new TypeError('bug')).retry).toBe('permanent');
    expect(classifyGraphError('weird').retry).toBe('permanent');
  });
});

describe('explainGraphError', () => {
  const explained = [
    131047, 131026, 131049, 131050, 131056, 130429, 132000, 132001, 132015, 132016, 131053, 190, 0, 100, 131051,
    131052, 131031, 368, 130472, 131021, 133010, 131042, 80007, 4, 131000, 131016, 131057, 133004, 2, 131062,
  ];

  it.each(explained)('has plain words for %i', (code) => {
    const text = explainGraphError(code, 'FALLBACK');
    expect(text).not.toBe('FALLBACK');
    expect(text).not.toMatch(/^WhatsApp returned error/);
    expect(text.length).toBeGreaterThan(20);
    expect(text).toMatch(/\.$/);
  });

  it('gives each listed code its own sentence', () => {
    const texts = new Set(explained.map((c) => explainGraphError(c)));
    expect(texts.size).toBe(explained.length);
  });

  it('tells the owner what to do on 131047', () => {
    expect(explainGraphError(131047)).toBe(
      'More than 24 hours have passed since the customer last wrote. Send an approved template instead.',
    );
  });

  it('uses the fallback, else a generic sentence naming the code', () => {
    expect(explainGraphError(987654, 'Meta says no')).toBe('Meta says no');
    expect(explainGraphError(987654)).toContain('987654');
    expect(explainGraphError(987654, null)).toContain('987654');
    expect(explainGraphError(null, 'Meta says no')).toBe('Meta says no');
    expect(explainGraphError(null)).toMatch(/unexpected error/);
  });
});

describe('GraphError', () => {
  it('keeps the fields and mentions code, status and details in its message', () => {
    const err = new GraphError({
      httpStatus: 400,
      code: 130429,
      subcode: 2494055,
      type: 'OAuthException',
      title: 'Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      fbtraceId: 'Az8',
      isTransient: null,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('GraphError');
    expect(err.message).toContain('#130429');
    expect(err.message).toContain('HTTP 400');
    expect(err.message).toContain('throughput has been reached');
    expect(err.subcode).toBe(2494055);
  });
});
