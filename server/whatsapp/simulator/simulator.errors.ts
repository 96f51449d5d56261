/**
 * Meta's Graph API error catalogue as the simulator reproduces it: the HTTP status per code (CLOUD-API.md
 * §6.2), the JSON shape of a sync error (§6.1) and of an async `statuses[].errors[]` item (§2.15).
 */
import { randomBytes } from 'node:crypto';

interface CatalogEntry {
  http: number;
  title: string;
  details: string;
}

/** Titles are Meta's; details are plausible `error_data.details` strings (clients branch on code, not text). */
const CATALOG: Record<number, CatalogEntry> = {
  0: { http: 401, title: 'AuthException', details: 'We were unable to authenticate the app user.' },
  1: { http: 400, title: 'API Unknown', details: 'Invalid request or possible server error.' },
  2: { http: 503, title: 'API Service', details: 'Temporary due to downtime or due to being overloaded.' },
  3: { http: 500, title: 'API Method', details: 'Capability or permissions issue.' },
  4: { http: 400, title: 'Too many calls', details: 'The app has reached its API call rate limit.' },
  10: { http: 403, title: 'Permission Denied', details: 'Permission is either not granted or has been removed.' },
  33: { http: 400, title: 'Parameter value is not valid', details: 'The business phone number has been deleted.' },
  100: { http: 400, title: 'Invalid parameter', details: 'The request included one or more unsupported or misspelled parameters.' },
  190: { http: 401, title: 'Access token has expired', details: 'Your access token has expired.' },
  368: { http: 403, title: 'Temporarily blocked for policies violations', details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.' },
  80007: { http: 400, title: 'Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: { http: 400, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  130472: { http: 400, title: "User's number is part of an experiment", details: "Message was not sent as part of an experiment." },
  130497: { http: 403, title: 'Business account is restricted from messaging users in this country', details: 'The WhatsApp Business Account is restricted from messaging users in this country.' },
  131000: { http: 500, title: 'Something went wrong', details: 'Message failed to send due to an unknown error.' },
  131008: { http: 400, title: 'Required parameter is missing', details: 'The request is missing a required parameter.' },
  131009: { http: 400, title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.' },
  131016: { http: 500, title: 'Service unavailable', details: 'A service is temporarily unavailable.' },
  131021: { http: 400, title: 'Recipient cannot be sender', details: 'Sender and recipient phone number is the same.' },
  131026: { http: 400, title: 'Message undeliverable', details: 'Unable to deliver message.' },
  131031: { http: 403, title: 'Account has been locked', details: 'The WhatsApp Business Account is restricted or disabled.' },
  131037: { http: 400, title: 'WhatsApp provided number needs display name approval before message can be sent.', details: 'The display name has not been approved.' },
  131042: { http: 400, title: 'Business eligibility payment issue', details: 'There was an error related to your payment method.' },
  131045: { http: 500, title: 'Incorrect certificate', details: 'Message failed to send due to a phone number registration error.' },
  131047: { http: 400, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  131048: { http: 400, title: 'Spam rate limit hit', details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.' },
  131049: { http: 400, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
  131050: { http: 400, title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business', details: 'The user has stopped marketing messages from this business.' },
  131051: { http: 400, title: 'Unsupported message type', details: 'Message type is currently not supported.' },
  131052: { http: 400, title: 'Media download error', details: 'Unable to download the media sent by the user.' },
  131053: { http: 400, title: 'Media upload error', details: 'Unable to upload the media used in the message.' },
  131056: { http: 400, title: '(Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' },
  131057: { http: 500, title: 'Account in maintenance mode', details: 'Business Account is in maintenance mode.' },
  131062: { http: 400, title: 'Business-scoped User ID (BSUID) recipients are not supported for this message', details: 'Use the phone number of the recipient.' },
  132000: { http: 400, title: 'Number of parameters does not match the expected number of params', details: 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.' },
  132001: { http: 404, title: 'Template name does not exist in the translation', details: 'The template does not exist in the specified language or the template has not been approved.' },
  132005: { http: 400, title: 'Translated text too long', details: 'Translated text is too long.' },
  132007: { http: 400, title: 'Template Format Character Policy Violated', details: 'Template content violates a WhatsApp policy.' },
  132012: { http: 400, title: 'Parameter format does not match format in the created template', details: 'Variable parameter values formatted incorrectly.' },
  132015: { http: 400, title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { http: 400, title: 'Template is Disabled', details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
  132068: { http: 400, title: 'Flow is in blocked state', details: 'Flow is in blocked state.' },
  132069: { http: 400, title: 'Flow is in throttled state', details: 'Flow is in throttled state and 10 messages using this flow were already sent in the last hour.' },
  133000: { http: 400, title: 'Incomplete deregistration', details: 'A previous deregistration attempt failed.' },
  133004: { http: 503, title: 'Server temporarily unavailable', details: 'Server is temporarily unavailable.' },
  133005: { http: 400, title: 'Two step verification PIN Mismatch', details: 'Two-step verification PIN incorrect.' },
  133010: { http: 400, title: 'Phone number Not Registered', details: 'Phone number not registered on the WhatsApp Business Platform.' },
  134011: { http: 400, title: 'WhatsApp Payments terms of service not accepted', details: 'The WhatsApp Payments terms of service have not been accepted.' },
  135000: { http: 400, title: 'Generic user error', details: 'Message failed to send because of an unknown error with your request parameters.' },
};

/** Catalogue entry for a code; 200–299 are permission errors (403); anything unknown is a generic 400. */
export function describeError(code: number): CatalogEntry {
  const known = CATALOG[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return { http: 403, title: 'API Permission', details: 'Permission is either not granted or has been removed.' };
  return { http: 400, title: 'Unknown error', details: `Simulated error ${code}.` };
}

/** The HTTP status Meta answers a sync error with (CLOUD-API.md §6.2). */
export function httpStatusFor(code: number): 400 | 401 | 403 | 404 | 500 | 503 {
  return describeError(code).http as 400 | 401 | 403 | 404 | 500 | 503;
}

/** `fbtrace_id`: an opaque 23-char token on every Graph error. */
export function newFbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23);
}

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    error_subcode?: number;
    fbtrace_id: string;
  };
}

/**
 * A sync Graph error body as Meta shapes it: `message` is "(#code) title" (or a specific message),
 * `error_data.details` carries the explanation. Auth errors (0/190) carry no `error_data`, like Graph.
 */
export function graphErrorBody(code: number, opts: { message?: string; details?: string; subcode?: number } = {}): GraphErrorBody {
  const entry = describeError(code);
  if (code === 190 || code === 0) {
    return { error: { message: opts.message ?? 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code, fbtrace_id: newFbtraceId() } };
  }
  return {
    error: {
      message: `(#${code}) ${opts.message ?? entry.title}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: opts.details ?? entry.details },
      ...(opts.subcode !== undefined ? { error_subcode: opts.subcode } : {}),
      fbtrace_id: newFbtraceId(),
    },
  };
}

/** One `errors[]` item as it appears in a `failed` status webhook (`message` equals `title`, per Meta). */
export function webhookErrorObject(code: number): Record<string, unknown> {
  const entry = describeError(code);
  return {
    code,
    title: entry.title,
    message: entry.title,
    error_data: { details: entry.details },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  };
}

/** Thrown by request validation; the route turns it into Meta's error JSON with the right HTTP status. */
export class GraphError extends Error {
  constructor(
    readonly code: number,
    readonly opts: { message?: string; details?: string; subcode?: number } = {},
  ) {
    super(opts.message ?? describeError(code).title);
  }
  get status() {
    return httpStatusFor(this.code);
  }
  body(): GraphErrorBody {
    return graphErrorBody(this.code, this.opts);
  }
}
