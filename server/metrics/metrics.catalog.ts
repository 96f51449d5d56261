import { createRegistry, type CounterChild, type GaugeChild, type Registry } from './metrics.registry.js';

/*
 * Parley's metric families. Children on hot paths (webhook intake) are bound here once, so the code that
 * counts pays a property add. Gauges read from SQLite or the process are set by metrics.collectors.ts.
 */

/** Intake answers by HTTP status; anything else counts as `other`. */
const WEBHOOK_OUTCOMES: Record<number, string> = { 200: 'accepted', 401: 'bad_signature', 413: 'too_large', 400: 'aborted', 503: 'not_stored', 500: 'error' };

/** Statuses an outbound message can reach; any other value Meta invents is counted as `other`. */
const SEND_STATES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

export type AppMetrics = ReturnType<typeof createAppMetrics>;

/** Wraps a long-running callback (an SSE stream) so `gauge` counts it while it runs, however it ends. */
export function whileOpen<A>(gauge: GaugeChild, run: (arg: A) => Promise<void>): (arg: A) => Promise<void> {
  return async (arg) => {
    gauge.inc();
    try {
      await run(arg);
    } finally {
      gauge.dec();
    }
  };
}

/** Builds every family Parley exports, on a fresh registry unless one is given. */
export function createAppMetrics(registry: Registry = createRegistry()) {
  const r = registry;

  const webhookRequests = r.counter('parley_webhook_requests_total', 'Webhook POSTs from Meta, by outcome (accepted, bad_signature, too_large, aborted, not_stored, error).');
  const byStatus = new Map<number, CounterChild>(Object.entries(WEBHOOK_OUTCOMES).map(([status, outcome]) => [Number(status), webhookRequests.with({ outcome })]));
  const otherOutcome = webhookRequests.with({ outcome: 'other' });
  const webhookSeconds = r.histogram('parley_webhook_request_duration_seconds', 'Time from a webhook POST arriving to its answer (after the durable commit for a 200).').self;

  const webhookEvents = r.counter('parley_webhook_events_total', 'Stored webhook bodies run through processing, by result (processed, failed, unroutable).');
  const duplicates = r.counter('parley_webhook_duplicate_messages_total', 'Customer messages Meta delivered again (ignored: they were stored already).').self;
  const messages = r.counter('parley_messages_total', 'Messages by direction: inbound = new customer messages stored, outbound = messages Meta accepted.');
  const sends = r.counter(
    'parley_sends_total',
    'Outbound messages reaching a state: sent = accepted by Meta; delivered, read, played, failed as Meta or Parley recorded them.',
  );
  const sendStates = new Map<string, CounterChild>(SEND_STATES.map((s) => [s, sends.with({ state: s })]));
  const sendRetries = r.counter('parley_send_retries_total', 'Send attempts that failed with a transient error and will be retried.').self;
  const graphErrors = r.counter('parley_graph_errors_total', 'Failed Graph API calls, by Meta error code (http_<status> without a code, timeout, network).');

  const mediaDownloaded = r.counter('parley_media_downloaded_bytes_total', 'Bytes of customer media downloaded from Meta.').self;
  const mediaUploaded = r.counter('parley_media_uploaded_bytes_total', 'Bytes of media uploaded to Meta for sending.').self;
  const sseClients = r.gauge('parley_sse_clients', 'Live-update (Server-Sent Events) streams open now.').self;

  return {
    registry,
    /** One intake answer, by status, timed from `startedMs` (a `performance.now()` reading). */
    webhookAnswered(status: number, startedMs: number): void {
      (byStatus.get(status) ?? otherOutcome).inc();
      webhookSeconds.observe((performance.now() - startedMs) / 1000);
    },
    webhookEvents: {
      processed: webhookEvents.with({ result: 'processed' }),
      failed: webhookEvents.with({ result: 'failed' }),
      unroutable: webhookEvents.with({ result: 'unroutable' }),
    },
    duplicates,
    messagesIn: messages.with({ direction: 'inbound' }),
    messagesOut: messages.with({ direction: 'outbound' }),
    /** An outbound message reached `state` (sent, delivered, read, played, failed). */
    sendReached(state: string): void {
      (sendStates.get(state) ?? sends.with({ state: 'other' })).inc();
    },
    sendRetries,
    /** A Graph call failed (GraphError or GraphNetworkError): labelled by Meta's code, else http_<status>, timeout, network. */
    graphError(err: { code?: number | null; httpStatus?: number; timedOut?: boolean }): void {
      const code = err.code != null ? String(err.code) : err.httpStatus !== undefined ? `http_${err.httpStatus}` : err.timedOut ? 'timeout' : 'network';
      graphErrors.with({ code }).inc();
    },
    mediaDownloaded,
    mediaUploaded,
    sseClients,
  };
}
