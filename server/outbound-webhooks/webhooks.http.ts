import { signParleyPayload } from './webhooks.signature.js';
import { RESPONSE_SNIPPET_CHARS } from './webhooks.models.js';

/** What one POST to a receiver came to. */
export interface AttemptOutcome {
  ok: boolean;
  /** The HTTP status, or null when no answer came (timeout, refused, DNS…). */
  status: number | null;
  error: string | null;
  /** The start of the response body. */
  response: string | null;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  type: string;
  deliveryId: string;
  nowSeconds: number;
}

/**
 * POSTs one signed delivery. Never throws for the receiver's faults (they become the outcome); throws only
 * when `signal` (shutdown) aborts. Redirects are not followed: a 3xx counts as a failure, so a moved
 * endpoint shows up in the log instead of silently receiving elsewhere.
 */
export async function postWebhook(
  fetchFn: typeof fetch,
  req: WebhookRequest,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<AttemptOutcome> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  let res: Response;
  try {
    res = await fetchFn(req.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks/1',
        'x-parley-event': req.type,
        'x-parley-delivery': req.deliveryId,
        'x-parley-signature': signParleyPayload(req.secret, req.body, req.nowSeconds),
      },
      body: req.body,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    return { ok: false, status: null, error: describeFetchError(err, opts.timeoutMs), response: null };
  }
  const response = await readSnippet(res, RESPONSE_SNIPPET_CHARS);
  const ok = res.status >= 200 && res.status < 300;
  return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, response };
}

/** The first `max` characters of a body; the rest is not downloaded (a receiver may answer with megabytes). */
async function readSnippet(res: Response, max: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short (or timing out) does not change the status the receiver gave.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text ? text.slice(0, max) : null;
}

/** `timed out after 10 s`, `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`, … */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `timed out after ${timeoutMs / 1000} s`;
  if (err instanceof Error) {
    const cause = err.cause as { code?: string; message?: string } | undefined;
    if (cause?.message) return cause.code && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
    return err.message;
  }
  return String(err);
}
