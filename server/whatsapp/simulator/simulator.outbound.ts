/**
 * What happens to a message Parley sends: validation, injected faults (sync HTTP errors, async `failed`
 * statuses, random errors), the success response, and the status webhooks that follow it
 * (sent → delivered → read, optionally shuffled) as separate signed POSTs.
 */
import { GraphError, webhookErrorObject, type GraphErrorBody } from './simulator.errors.js';
import {
  newConversationId,
  newWamid,
  normalizeWaId,
  statusEnvelope,
  type BusinessIdentity,
  type StatusBilling,
  type StatusName,
} from './simulator.payloads.js';
import { parseSendBody } from './simulator.send.js';
import { pricingCategoryOf, type Template } from './simulator.templates.js';
import type { TaskTracker } from './simulator.webhooks.js';

/** Mutable fault knobs, read on every request. */
export interface SimulatorFaults {
  /** Keyed by recipient as sent (`to`) or as digits. sync: HTTP error; async: accepted, then a `failed` status. `times`: only the first N sends fail. */
  errorsByRecipient: Map<string, { code: number; mode?: 'sync' | 'async'; times?: number }>;
  /** Random sync errors for any send. */
  errorRate: { code: number; rate: number } | null;
  /** The next `count` sends, to anyone, fail synchronously with `code` (a throughput burst: 130429; an outage: 131000, HTTP 500). */
  errorBurst: { code: number; count: number } | null;
  /**
   * Keyed like errorsByRecipient: a send is held `ms` before Meta handles it, token check included (a
   * Graph call slower than the client's timeout). Meta still accepts it when the hold ends, as it may
   * accept a send whose answer the client never saw. `times`: only the first N sends.
   */
  slowSendsByRecipient: Map<string, { ms: number; times?: number }>;
  /** Extra identical copies of each webhook POST. */
  duplicateWebhooks: number;
  /** Deliver each message's status webhooks in random order. */
  shuffleStatuses: boolean;
  /** Extra delay before each webhook POST. */
  webhookDelayMs: number;
  /** Delay before the media download route answers. */
  mediaDownloadDelayMs: number;
  /** The next N media downloads answer HTTP 500 with a plain-text body (the media CDN, not the Graph API). */
  mediaDownloadErrors: number;
  /** Fail free-form (non-template) sends with async 131047 when the recipient has not written in 24 h. Off by default. */
  enforceServiceWindow: boolean;
  /** Every Graph call answers 190 "Session has expired" (401), as after a temporary token's 24 hours. */
  tokenExpired: boolean;
}

export interface SentRecord {
  wamid: string;
  to: string | null;
  type: string;
  body: Record<string, unknown>;
  receivedAt: number;
  error: { code: number } | null;
}

export interface OutboundDeps {
  biz: BusinessIdentity;
  clock: { now(): number };
  faults: SimulatorFaults;
  templates: readonly Template[];
  hasMedia(id: string): boolean;
  statusDelaysMs: () => { sent: number; delivered: number; read: number };
  autoRead: () => boolean;
  random: () => number;
  tasks: TaskTracker;
  deliver(payload: unknown): Promise<number[]>;
  /** Last inbound message time per wa_id (customer-service window) and known profile names. */
  lastInboundAt: Map<string, number>;
  profileNames: Map<string, string>;
  sent: SentRecord[];
  readReceipts: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface Step {
  status: StatusName;
  delay: number;
  errors?: Array<Record<string, unknown>>;
}

/** Builds the handler behind `POST /{phone-number-id}/messages`. */
export function createOutbound(deps: OutboundDeps) {
  const { faults, biz } = deps;

  /** Consumes one matching entry of a per-recipient map (decrementing `times`, removing it when used up). */
  function takeKeyed<T extends { times?: number }>(map: Map<string, T>, input: string, recipientId: string): T | null {
    for (const key of [input, recipientId, '+' + recipientId]) {
      const fault = map.get(key);
      if (!fault) continue;
      if (fault.times !== undefined) {
        if (fault.times <= 0) {
          map.delete(key);
          continue;
        }
        fault.times -= 1;
        if (fault.times === 0) map.delete(key);
      }
      return fault;
    }
    return null;
  }

  /** One send of the current error burst, if any is left. */
  function takeBurst(): number | null {
    const burst = faults.errorBurst;
    if (!burst || burst.count <= 0) return null;
    burst.count -= 1;
    if (burst.count === 0) faults.errorBurst = null;
    return burst.code;
  }

  function billingFor(template: Template | null, recipientId: string, at: number): StatusBilling {
    const lastInbound = deps.lastInboundAt.get(recipientId);
    const windowOpen = lastInbound !== undefined && at - lastInbound < DAY_MS;
    const category = template ? pricingCategoryOf(template) : 'service';
    // Service messages are free; utility templates are free inside an open customer-service window.
    const free = !template || (category === 'utility' && windowOpen);
    return { conversationId: newConversationId(), category, pricingType: free ? 'free_customer_service' : 'regular', expiresAt: at + DAY_MS };
  }

  /** Fisher–Yates with the injected random source. */
  function shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(deps.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /**
   * Delivers one message's statuses in sequence, each its own signed POST, each no earlier than its delay
   * after acceptance. Timestamps stay in logical order even when the delivery order is shuffled, as with Meta.
   */
  function scheduleStatuses(m: { wamid: string; recipientId: string; billing: StatusBilling; bizOpaque?: string; steps: Step[]; acceptedAt: number }) {
    const delays = m.steps.map((s) => s.delay);
    const order = faults.shuffleStatuses && m.steps.length > 1 ? shuffled(m.steps) : m.steps;
    const started = performance.now();
    void deps.tasks.track(
      (async () => {
        for (let i = 0; i < order.length; i++) {
          const step = order[i]!;
          await deps.tasks.sleep((delays[i] ?? 0) - (performance.now() - started));
          if (deps.tasks.stopped) return;
          await deps.deliver(
            statusEnvelope(biz, {
              wamid: m.wamid,
              status: step.status,
              at: m.acceptedAt + step.delay,
              recipientId: m.recipientId,
              billing: m.billing,
              errors: step.errors,
              bizOpaqueCallbackData: m.bizOpaque,
              profileName: deps.profileNames.get(m.recipientId) ?? null,
            }),
          );
        }
      })(),
    );
  }

  function plan(type: string, voice: boolean, failureCode: number | null): Step[] {
    const d = deps.statusDelaysMs();
    const sent = Math.max(0, d.sent);
    const delivered = Math.max(sent, d.delivered);
    const read = Math.max(delivered, d.read);
    if (failureCode !== null) return [{ status: 'failed', delay: sent, errors: [webhookErrorObject(failureCode)] }];
    // A reaction the business sends only ever gets `sent` (CLOUD-API.md §1.4).
    if (type === 'reaction') return [{ status: 'sent', delay: sent }];
    const steps: Step[] = [
      { status: 'sent', delay: sent },
      { status: 'delivered', delay: delivered },
    ];
    if (deps.autoRead()) {
      steps.push({ status: 'read', delay: read });
      if (voice) steps.push({ status: 'played', delay: read + Math.max(1, Math.round((read - delivered) / 2)) });
    }
    return steps;
  }

  function record(body: unknown, wamid: string, error: { code: number } | null, type?: string) {
    const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const to = typeof b.to === 'string' ? b.to : typeof b.recipient === 'string' ? b.recipient : null;
    deps.sent.push({ wamid, to, type: type ?? (typeof b.type === 'string' ? b.type : 'text'), body: b, receivedAt: deps.clock.now(), error });
  }

  /** How long to hold the answer to this send body (slowSendsByRecipient); 0 for most sends. */
  function holdFor(body: unknown): number {
    if (faults.slowSendsByRecipient.size === 0 || !body || typeof body !== 'object') return 0;
    const to = (body as Record<string, unknown>).to;
    if (typeof to !== 'string') return 0;
    return takeKeyed(faults.slowSendsByRecipient, to, normalizeWaId(to))?.ms ?? 0;
  }

  /** Answers a send (or mark-as-read) body with Meta's status code and JSON, scheduling webhooks on acceptance. */
  function handleSend(body: unknown): { status: number; json: Record<string, unknown> | GraphErrorBody } {
    let parsed;
    try {
      parsed = parseSendBody(body, { templates: deps.templates, hasMedia: deps.hasMedia, displayPhoneNumber: biz.displayPhoneNumber });
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      record(body, '', { code: err.code });
      return { status: err.status, json: err.body() };
    }
    if (parsed.kind === 'mark-read') {
      deps.readReceipts.push(parsed.messageId);
      return { status: 200, json: { success: true } };
    }

    const fault = takeKeyed(faults.errorsByRecipient, parsed.input, parsed.recipientId);
    const mode = fault?.mode ?? 'sync';
    let syncCode: number | null = fault && mode === 'sync' ? fault.code : null;
    let asyncCode: number | null = fault && mode === 'async' ? fault.code : null;
    if (!fault) syncCode = takeBurst();
    if (syncCode === null && asyncCode === null && faults.errorRate && deps.random() < faults.errorRate.rate) syncCode = faults.errorRate.code;
    const acceptedAt = deps.clock.now();
    if (syncCode !== null) {
      const err = new GraphError(syncCode);
      record(body, '', { code: syncCode }, parsed.type);
      return { status: err.status, json: err.body() };
    }
    if (asyncCode === null && faults.enforceServiceWindow && !parsed.template) {
      const last = deps.lastInboundAt.get(parsed.recipientId);
      if (last === undefined || acceptedAt - last >= DAY_MS) asyncCode = 131047;
    }

    const wamid = newWamid(parsed.recipientId, 'outbound');
    record(body, wamid, asyncCode === null ? null : { code: asyncCode }, parsed.type);
    scheduleStatuses({
      wamid,
      recipientId: parsed.recipientId,
      billing: billingFor(parsed.template, parsed.recipientId, acceptedAt),
      bizOpaque: parsed.bizOpaqueCallbackData,
      steps: plan(parsed.type, parsed.voice, asyncCode),
      acceptedAt,
    });
    const contact = parsed.isBsuid ? { input: parsed.input, user_id: parsed.recipientId } : { input: parsed.input, wa_id: parsed.recipientId };
    // `message_status` only appears on template sends (template pacing), per CLOUD-API.md §3.
    const message = parsed.template ? { id: wamid, message_status: 'accepted' } : { id: wamid };
    return { status: 200, json: { messaging_product: 'whatsapp', contacts: [contact], messages: [message] } };
  }

  return { handleSend, holdFor };
}
