// Errors thrown by the Graph API client, how to handle them (retry class) and what to tell an owner.
// Codes and retry classes: CLOUD-API.md §6.2 and the product issue (which wins where they differ).

/** Fields of Meta's error JSON `{error:{…}}` after normalisation. */
export interface GraphErrorInit {
  httpStatus: number;
  code: number | null;
  subcode: number | null;
  type: string | null;
  /** `error.message` without Meta's "(#code) " prefix. */
  title: string;
  /** `error.error_data.details`, else `error.error_user_msg`. */
  details: string | null;
  fbtraceId: string | null;
  isTransient: boolean | null;
}

/** A Graph API call answered with an error (non-2xx) or with a 2xx body we could not use. */
export class GraphError extends Error implements GraphErrorInit {
  readonly httpStatus: number;
  readonly code: number | null;
  readonly subcode: number | null;
  readonly type: string | null;
  readonly title: string;
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly isTransient: boolean | null;

  constructor(init: GraphErrorInit, options?: { cause?: unknown }) {
    super(formatMessage(init), options);
    this.name = 'GraphError';
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.title = init.title;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
    this.isTransient = init.isTransient;
  }
}

function formatMessage(e: GraphErrorInit): string {
  const code = e.code === null ? '' : ` #${e.code}`;
  const details = e.details && e.details !== e.title ? ` (${e.details})` : '';
  return `Graph API error${code} (HTTP ${e.httpStatus}): ${e.title}${details}`;
}

/** The request never got an HTTP answer: DNS, TCP/TLS reset, or our own timeout. Always worth retrying. */
export class GraphNetworkError extends Error {
  readonly timedOut: boolean;
  constructor(message: string, options: { cause?: unknown; timedOut: boolean }) {
    super(message, { cause: options.cause });
    this.name = 'GraphNetworkError';
    this.timedOut = options.timedOut;
  }
}

/** A media download exceeded the caller's byte limit (checked on Content-Length and while streaming). */
export class MediaTooLargeError extends GraphError {
  readonly maxBytes: number;
  constructor(httpStatus: number, maxBytes: number) {
    super({
      httpStatus,
      code: null,
      subcode: null,
      type: 'MediaTooLarge',
      title: `Media is larger than the ${maxBytes}-byte limit`,
      details: null,
      fbtraceId: null,
      isTransient: false,
    });
    this.name = 'MediaTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/** What to do with a failed Graph call. */
export type RetryClass = 'transient' | 'throughput' | 'pair_limit' | 'permanent' | 'reauth';

// Meta's own "try again later" codes: app/WABA rate limits (4, 80007), maintenance during a throughput
// upgrade (131057), generic/unavailable server errors (131000, 131016, 2, 133004).
const TRANSIENT_CODES = new Set([4, 80007, 131057, 131000, 131016, 2, 133004]);
// 190 = token expired, 0 = could not authenticate: retrying with the same token cannot help.
const REAUTH_CODES = new Set([190, 0]);
const THROUGHPUT_CODE = 130429;
const PAIR_LIMIT_CODE = 131056;
const THROUGHPUT_DELAY_MS = 1_000;
// Meta's pair-rate advice is 4^X seconds; cap X so a long-failing job waits ~68 min, not days.
const PAIR_LIMIT_MAX_EXPONENT = 6;

/**
 * How a failed Graph call should be handled. `delayMs` is a suggested wait before retrying:
 * pair_limit → 4^attempt seconds (Meta's advice), throughput → 1 s, everything else null
 * (transient uses the caller's own backoff; permanent and reauth are not retried).
 */
export function classifyGraphError(err: unknown, attempt = 0): { retry: RetryClass; delayMs: number | null } {
  if (err instanceof GraphNetworkError) return { retry: 'transient', delayMs: null };
  // A caller abort (shutdown, job lease lost) says nothing about Meta: the work may be tried again.
  if (isAbortLike(err)) return { retry: 'transient', delayMs: null };
  if (!(err instanceof GraphError)) return { retry: 'permanent', delayMs: null };

  const { code, httpStatus } = err;
  if (code !== null && REAUTH_CODES.has(code)) return { retry: 'reauth', delayMs: null };
  if (code === THROUGHPUT_CODE) return { retry: 'throughput', delayMs: THROUGHPUT_DELAY_MS };
  if (code === PAIR_LIMIT_CODE) {
    const x = Math.min(Math.max(0, Math.floor(attempt)), PAIR_LIMIT_MAX_EXPONENT);
    return { retry: 'pair_limit', delayMs: 4 ** x * 1_000 };
  }
  if (code !== null && TRANSIENT_CODES.has(code)) return { retry: 'transient', delayMs: null };
  if (err.isTransient === true) return { retry: 'transient', delayMs: null };
  if (httpStatus >= 500) return { retry: 'transient', delayMs: null };
  // Without a Meta code, the HTTP status is all we have (a proxy or the media CDN answered).
  if (code === null && httpStatus === 401) return { retry: 'reauth', delayMs: null };
  if (code === null && httpStatus === 429) return { retry: 'throughput', delayMs: THROUGHPUT_DELAY_MS };
  return { retry: 'permanent', delayMs: null };
}

function isAbortLike(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

// Plain words for an owner; the raw code and Meta's title stay in logs.
const EXPLANATIONS: Record<number, string> = {
  0: 'WhatsApp could not verify the access token. Reconnect the WhatsApp channel with a valid token.',
  2: 'WhatsApp is temporarily unavailable. Parley will try again shortly.',
  4: 'Too many requests to Meta from this app. Parley will slow down and try again.',
  100: 'WhatsApp rejected the request because a value was invalid. Check the message content and settings.',
  190: 'The WhatsApp access token has expired or was revoked. Reconnect the WhatsApp channel with a new token.',
  368: 'This WhatsApp account is temporarily blocked for policy violations. Sending will work again when the restriction ends.',
  80007: 'The WhatsApp Business Account hit its rate limit. Parley will slow down and try again.',
  130429: 'Messages are being sent faster than this number allows. Parley will spread them out and try again.',
  130472: "The customer's number is part of a WhatsApp experiment and cannot receive this marketing message.",
  130497: 'This business account is not allowed to message customers in this country.',
  131000: 'Something went wrong at WhatsApp. Parley will try again.',
  131008: 'The message is missing a required field.',
  131009: 'A value in the message is invalid (for example, a reaction to a message older than 30 days).',
  131016: 'The WhatsApp service is temporarily unavailable. Parley will try again.',
  131021: 'A number cannot send a message to itself.',
  131026:
    'The message could not be delivered. The customer may not use WhatsApp, may have an outdated app, or has not accepted the latest terms.',
  131031: 'This WhatsApp account has been locked. Check the account status in Meta Business Manager.',
  131042: 'There is a payment problem with the WhatsApp Business Account. Fix the payment method in Meta Business Manager.',
  131047:
    'More than 24 hours have passed since the customer last wrote. Send an approved template instead.',
  131048: 'Too many of your recent messages were blocked or reported as spam. Sending is limited; review message quality.',
  131049:
    'WhatsApp chose not to deliver this marketing message to keep engagement healthy. Do not resend for at least 24 hours.',
  131050: 'The customer has stopped receiving marketing messages from this business.',
  131051: 'This message type is not supported.',
  131052: "The customer's media could not be downloaded. Ask them to send it again.",
  131053: 'The media file could not be uploaded. Check that its format and size are supported.',
  131056: 'Too many messages were sent to this customer in a short time. Parley will wait and try again.',
  131057: 'The WhatsApp account is briefly in maintenance. Parley will try again in a minute.',
  131062: "This message cannot be sent to a username-only contact. Use the customer's phone number instead.",
  132000: 'The number of template variables does not match the approved template.',
  132001: 'The template does not exist in this language or is not approved yet.',
  132005: 'The template text is too long once the variables are filled in.',
  132012: 'A template variable has the wrong format.',
  132015: 'The template is paused because of low quality. Edit it or wait until it is unpaused.',
  132016: 'The template has been disabled after being paused too many times. Create a new template.',
  133004: 'The WhatsApp server is temporarily unavailable. Parley will try again.',
  133010: 'This phone number is not registered with the WhatsApp Cloud API. Register it in Meta Business Manager.',
};

/** Plain words for an owner for a Graph error code; unknown codes fall back to `fallback` or a generic sentence. */
export function explainGraphError(code: number | null, fallback?: string | null): string {
  if (code !== null) {
    const known = EXPLANATIONS[code];
    if (known) return known;
  }
  if (fallback) return fallback;
  return code === null
    ? 'WhatsApp returned an unexpected error.'
    : `WhatsApp returned error ${code}. See Meta's error code reference for details.`;
}
