import { EVENT_TYPES, matchesEventPattern } from '../events/events.outbox.js';

/* Pure rules of outbound webhooks: which patterns and URLs are accepted, the body, the retry schedule. */

export const DELIVER_QUEUE = 'webhooks.deliver';
/** The `type` of the test delivery (`POST /webhooks/:id/test`); it never goes through the outbox. */
export const PING_TYPE = 'ping';
/** `event_id` of a ping delivery (outbox ids start at 1). */
export const PING_EVENT_ID = 0;
/** One attempt may take this long (connect, answer and the start of the body). */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Delays after the 1st, 2nd, … failed attempt; every later one waits the last. */
export const RETRY_SCHEDULE_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 60 * 60_000, 2 * 3_600_000, 4 * 3_600_000] as const;
/** A delivery still failing this long after it was created is given up (`failed`). */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** How much of a response body the delivery log keeps. */
export const RESPONSE_SNIPPET_CHARS = 500;

/** The prefixes of the event types (`message`, `deal`…), in first-seen order. */
export const EVENT_PREFIXES = [...new Set(EVENT_TYPES.map((t) => t.slice(0, t.indexOf('.'))))];

/** Whether a subscription may list this pattern: an event type, `<prefix>.*` of a known prefix, or `*`. */
export function isEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return EVENT_PREFIXES.includes(pattern.slice(0, -2));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

/** Whether any of a subscription's patterns matches an event type. */
export function patternsMatch(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => matchesEventPattern(p, type));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a URL cannot receive webhooks (null when it can): https, or plain http to this machine for testing. */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return null;
  return 'must use https (plain http only to localhost or 127.0.0.1)';
}

/** The delay before the next attempt after `failedAttempts` failures (1 = the first one failed). */
export function retryDelayMs(failedAttempts: number): number {
  return RETRY_SCHEDULE_MS[Math.max(0, failedAttempts - 1)] ?? RETRY_SCHEDULE_MS.at(-1)!;
}

/**
 * When to try again after a failed attempt, or null to give up: the schedule, with the last attempt at
 * the 24-hour mark itself rather than past it.
 */
export function nextAttemptAt(createdAt: number, failedAttempts: number, now: number): number | null {
  const deadline = createdAt + GIVE_UP_AFTER_MS;
  if (now >= deadline) return null;
  return Math.min(now + retryDelayMs(failedAttempts), deadline);
}

/** The JSON body receivers get: the event's id, type, time and data. */
export function eventBody(event: { id: number; type: string; at: number; data: string }): string {
  return `{"id":${JSON.stringify(`evt_${event.id}`)},"type":${JSON.stringify(event.type)},"createdAt":${JSON.stringify(new Date(event.at).toISOString())},"data":${event.data}}`;
}

/** The body of a test delivery: a `ping` naming the subscription. */
export function pingBody(delivery: { id: string; subscriptionId: string; createdAt: number }): string {
  return JSON.stringify({ id: `ping_${delivery.id}`, type: PING_TYPE, createdAt: new Date(delivery.createdAt).toISOString(), data: { webhookId: delivery.subscriptionId } });
}

/** The start of a text, with an ellipsis when cut. */
export function snippet(text: string, max = RESPONSE_SNIPPET_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
