/**
 * Parley's built-in Meta: a fake of the WhatsApp Cloud API (Graph routes) and of Meta's webhook sender,
 * used by sandbox mode, tests and benchmarks. It reproduces payload shapes, signatures over Meta-style
 * bytes, error JSON and HTTP statuses, and — on request — duplicates, out-of-order statuses and failures.
 */
import type { Hono } from 'hono';
import { defaultAccount, verifyCallbackUrl } from './simulator.account.js';
import { createCustomers } from './simulator.customer.js';
import { createGraphApp } from './simulator.graph.js';
import { createMediaStore } from './simulator.media.js';
import { createOutbound, type SentRecord, type SimulatorFaults } from './simulator.outbound.js';
import type { BusinessIdentity } from './simulator.payloads.js';
import { seedTemplates } from './simulator.templates.js';
import { createTaskTracker, createWebhookSender } from './simulator.webhooks.js';

export type { SentRecord, SimulatorFaults } from './simulator.outbound.js';
export type { AccountState } from './simulator.account.js';
export { describeError, graphErrorBody, httpStatusFor } from './simulator.errors.js';
export { MEDIA_URL_TTL_MS } from './simulator.media.js';

export interface SimulatorOptions {
  phoneNumberId: string;
  wabaId: string;
  /** Digits, no "+". */
  displayPhoneNumber: string;
  /** Bearer the Graph routes require (401 + code 190 otherwise). */
  accessToken: string;
  /** Signs webhooks. */
  appSecret: string;
  /** Parley's /webhooks/whatsapp. */
  webhookUrl: string | (() => string);
  /** Where this simulator's app is reachable, including the mount prefix (media and paging URLs). */
  publicBaseUrl: string | (() => string);
  clock?: { now(): number };
  /** Delays after acceptance; default { sent: 30, delivered: 200, read: 800 }. */
  statusDelaysMs?: { sent: number; delivered: number; read: number };
  /** Default true: emit `read` after delivered (and `played` for voice notes). */
  autoRead?: boolean;
  fetch?: typeof fetch;
  /** Random source for errorRate and shuffleStatuses (inject a seeded one for deterministic tests). */
  random?: () => number;
  /** Waits between webhook retries after a non-200 answer; default [100, 400, 1600] (three retries). */
  webhookRetryDelaysMs?: number[];
}

const DEFAULT_DELAYS = { sent: 30, delivered: 200, read: 800 };

/** Creates a simulator; serve `app` somewhere and point Parley's Graph base URL and webhooks at it. */
export function createSimulator(opts: SimulatorOptions) {
  const clock = opts.clock ?? { now: () => Date.now() };
  const biz: BusinessIdentity = { wabaId: opts.wabaId, phoneNumberId: opts.phoneNumberId, displayPhoneNumber: opts.displayPhoneNumber };
  const publicBaseUrl = () => (typeof opts.publicBaseUrl === 'function' ? opts.publicBaseUrl() : opts.publicBaseUrl);

  const faults: SimulatorFaults = {
    errorsByRecipient: new Map(),
    errorRate: null,
    errorBurst: null,
    slowSendsByRecipient: new Map(),
    duplicateWebhooks: 0,
    shuffleStatuses: false,
    webhookDelayMs: 0,
    mediaDownloadDelayMs: 0,
    mediaDownloadErrors: 0,
    enforceServiceWindow: false,
    tokenExpired: false,
  };
  const account = defaultAccount();
  const sent: SentRecord[] = [];
  const readReceipts: string[] = [];
  const templates = seedTemplates();
  const lastInboundAt = new Map<string, number>();
  const profileNames = new Map<string, string>();

  const tasks = createTaskTracker();
  const media = createMediaStore(() => clock.now());
  const { deliver } = createWebhookSender(
    { webhookUrl: opts.webhookUrl, appSecret: opts.appSecret, fetch: opts.fetch, faults, retryDelaysMs: opts.webhookRetryDelaysMs ?? [100, 400, 1600] },
    tasks,
  );
  const outbound = createOutbound({
    biz,
    clock,
    faults,
    templates,
    hasMedia: (id) => media.get(id) !== null,
    statusDelaysMs: () => opts.statusDelaysMs ?? DEFAULT_DELAYS,
    autoRead: () => opts.autoRead ?? true,
    random: opts.random ?? Math.random,
    tasks,
    deliver,
    lastInboundAt,
    profileNames,
    sent,
    readReceipts,
  });
  const app: Hono = createGraphApp({
    biz,
    accessToken: opts.accessToken,
    publicBaseUrl,
    faults,
    media,
    templates,
    tasks,
    handleSend: outbound.handleSend,
    holdFor: outbound.holdFor,
    account,
    clock,
  });
  const customer = createCustomers({ biz, clock, media, publicBaseUrl, deliver, lastInboundAt, profileNames, sent });

  return {
    /** Graph API routes, relative; mount with e.g. `app.route('/sandbox/graph', sim.app)`. */
    app,
    /** Mutable fault knobs, read on every request. */
    faults,
    /** The number's quality, registration and limits, the app subscription and the token's expiry; mutable. */
    account,
    /** Plays Meta saving the callback URL: the `hub.challenge` handshake against webhookUrl. */
    verifyWebhook: (verifyToken: string) =>
      verifyCallbackUrl({ webhookUrl: typeof opts.webhookUrl === 'function' ? opts.webhookUrl() : opts.webhookUrl, fetch: opts.fetch ?? globalThis.fetch }, verifyToken),
    /** Simulated WhatsApp users: each call delivers one inbound message webhook and returns its wamid. */
    customer,
    /** Serialise Meta-style, sign, POST to webhookUrl (plus duplicates); resolves with every attempt's HTTP status (0 = network error). */
    deliver,
    /** Every message Parley sent through POST /messages, in order (sync failures have wamid ""). */
    sent,
    /** wamids Parley marked as read. */
    readReceipts,
    /** Seeded templates in Meta's shape; mutable. */
    templates,
    /** Resolves when every scheduled or in-flight webhook delivery has finished. */
    idle: () => tasks.idle(),
    /** Cancels timers and in-flight deliveries; nothing is sent afterwards. */
    stop: () => tasks.stop(),
  };
}

export type Simulator = ReturnType<typeof createSimulator>;
