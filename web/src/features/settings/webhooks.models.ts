import type { DeliveryState } from './webhooks.api';

/* Pure helpers of the Webhooks settings section: event type groups, the chosen patterns, form checks. */

export interface EventGroup {
  /** `deal` */
  prefix: string;
  /** `Deals` */
  label: string;
  /** `deal.*` */
  pattern: string;
  types: { type: string; label: string }[];
}

const GROUP_LABELS: Record<string, string> = {
  message: 'Messages',
  conversation: 'Conversations',
  contact: 'Contacts',
  deal: 'Deals',
  task: 'Tasks',
  campaign: 'Campaigns',
};

/** `deal.stage_changed` → `stage changed`. */
export const eventLabel = (type: string) => type.slice(type.indexOf('.') + 1).replace(/_/g, ' ');

/** Event types grouped by prefix, in the server's order, each group with its `prefix.*` pattern. */
export function groupEventTypes(types: readonly string[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const type of types) {
    const dot = type.indexOf('.');
    if (dot <= 0) continue;
    const prefix = type.slice(0, dot);
    let group = groups.get(prefix);
    if (!group) {
      const label = GROUP_LABELS[prefix] ?? prefix.charAt(0).toUpperCase() + prefix.slice(1);
      groups.set(prefix, (group = { prefix, label, pattern: `${prefix}.*`, types: [] }));
    }
    group.types.push({ type, label: eventLabel(type) });
  }
  return [...groups.values()];
}

/** Whether a type is already chosen through `*` or its group's `prefix.*` (its own box shows checked and locked). */
export function coveredByWildcard(patterns: readonly string[], type: string): boolean {
  return patterns.includes('*') || (type !== '*' && !type.endsWith('.*') && patterns.includes(`${type.slice(0, type.indexOf('.'))}.*`));
}

/** The smallest equivalent list: `*` alone, else group patterns plus the types they do not cover. */
export function normalizePatterns(patterns: readonly string[]): string[] {
  if (patterns.includes('*')) return ['*'];
  const unique = [...new Set(patterns)];
  return unique.filter((p) => p.endsWith('.*') || !coveredByWildcard(unique, p));
}

/** Checks or unchecks one box (`*`, `deal.*` or a type) and returns the normalised patterns. */
export function togglePattern(patterns: readonly string[], pattern: string, on: boolean): string[] {
  const next = on ? [...patterns, pattern] : patterns.filter((p) => p !== pattern);
  return normalizePatterns(next);
}

/** What a webhook listens to, in a few words. */
export function eventsSummary(patterns: readonly string[]): string {
  if (patterns.includes('*')) return 'All events';
  return patterns.map((p) => (p.endsWith('.*') ? `all ${GROUP_LABELS[p.slice(0, -2)]?.toLowerCase() ?? p}` : p)).join(', ');
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface WebhookFormErrors {
  url?: string;
  events?: string;
}

/** The form's problems before sending (the server checks again and names the field). */
export function validateWebhookForm(v: { url: string; events: readonly string[] }): WebhookFormErrors | null {
  const errors: WebhookFormErrors = {};
  const raw = v.url.trim();
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    errors.url = raw ? 'Enter a full URL, starting with https://' : 'Enter the URL that receives the events.';
  }
  if (url && !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
    errors.url = 'Use https:// (plain http:// only to localhost, for testing).';
  } else if (url && (url.username || url.password)) errors.url = 'Leave the user name and password out of the URL.';
  if (v.events.length === 0) errors.events = 'Choose at least one event.';
  return errors.url || errors.events ? errors : null;
}

/** The status pill of a delivery: green delivered, amber retrying, red failed. */
export function deliveryTone(d: { state: DeliveryState; attempts: number }): 'ok' | 'warn' | 'bad' | 'info' {
  if (d.state === 'delivered') return 'ok';
  if (d.state === 'failed') return 'bad';
  return d.attempts > 0 ? 'warn' : 'info';
}

/** `Delivered`, `Retrying`, `Failed`, `Queued`. */
export function deliveryLabel(d: { state: DeliveryState; attempts: number }): string {
  if (d.state === 'pending') return d.attempts > 0 ? 'Retrying' : 'Queued';
  return d.state === 'delivered' ? 'Delivered' : 'Failed';
}

/** What the endpoint answered last: `HTTP 200`, or the error when there was no answer. */
export function deliveryOutcome(d: { lastStatus: number | null; lastError: string | null; attempts: number }): string {
  if (d.lastStatus !== null) return d.lastError && !d.lastError.startsWith('HTTP') ? `HTTP ${d.lastStatus} · ${d.lastError}` : `HTTP ${d.lastStatus}`;
  return d.lastError ?? (d.attempts ? 'No answer' : 'Not sent yet');
}
