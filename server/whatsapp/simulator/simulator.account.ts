/**
 * The simulated account around the phone number: the number's Graph node (`GET /{pnid}` fields), the app's
 * subscription to the WABA (`/{waba}/subscribed_apps`), `GET /debug_token`, token expiry, and Meta's
 * verification handshake against the callback URL. The state is mutable so tests break one thing at a time.
 */
import { randomInt } from 'node:crypto';
import type { Hono } from 'hono';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { GraphError, newFbtraceId } from './simulator.errors.js';
import type { BusinessIdentity } from './simulator.payloads.js';

/** What Meta would say about the number, the app and the token. Read on every request. */
export interface AccountState {
  /** Whether the app is subscribed to the WABA's webhooks (`/{waba}/subscribed_apps`). */
  subscribed: boolean;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /** CLOUD_API once registered; NOT_APPLICABLE before `POST /{pnid}/register`. */
  platformType: 'CLOUD_API' | 'ON_PREMISE' | 'NOT_APPLICABLE';
  /** CONNECTED, PENDING, FLAGGED, RESTRICTED, DISCONNECTED, BANNED… */
  status: string;
  codeVerificationStatus: 'VERIFIED' | 'NOT_VERIFIED' | 'EXPIRED';
  /** APPROVED, PENDING_REVIEW, DECLINED, AVAILABLE_WITHOUT_REVIEW, NONE… */
  nameStatus: string;
  throughputLevel: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE';
  /** `whatsapp_business_manager_messaging_limit`: TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED. */
  messagingLimit: string;
  /** Epoch seconds when the access token expires; 0 = never (a system user token). Past → every call answers 190. */
  tokenExpiresAt: number;
  /** Permissions `debug_token` reports for the token. */
  scopes: string[];
}

/** The Meta app the sandbox token belongs to. */
export const SIMULATED_APP = { id: '1029384756473829', name: 'Parley Sandbox', link: 'https://parley.invalid/' } as const;

/** A healthy, registered, subscribed number with a token that never expires. */
export function defaultAccount(): AccountState {
  return {
    subscribed: true,
    qualityRating: 'GREEN',
    platformType: 'CLOUD_API',
    status: 'CONNECTED',
    codeVerificationStatus: 'VERIFIED',
    nameStatus: 'APPROVED',
    throughputLevel: 'STANDARD',
    messagingLimit: 'TIER_250',
    tokenExpiresAt: 0,
    scopes: ['whatsapp_business_management', 'whatsapp_business_messaging', 'public_profile'],
  };
}

/** `GET /{phone-number-id}`'s node; the caller projects `?fields=`. */
export function phoneNumberNode(biz: BusinessIdentity, a: AccountState): Record<string, unknown> {
  const formatted = parsePhoneNumberFromString('+' + biz.displayPhoneNumber)?.formatInternational() ?? '+' + biz.displayPhoneNumber;
  return {
    id: biz.phoneNumberId,
    display_phone_number: formatted,
    verified_name: 'Parley Sandbox',
    code_verification_status: a.codeVerificationStatus,
    quality_rating: a.qualityRating,
    platform_type: a.platformType,
    throughput: { level: a.throughputLevel },
    name_status: a.nameStatus,
    status: a.status,
    account_mode: 'LIVE',
    is_official_business_account: false,
    // Deprecated (CLOUD-API.md §6.3) but still served, in the old per-number tiers.
    messaging_limit_tier: 'TIER_250',
    whatsapp_business_manager_messaging_limit: a.messagingLimit,
    webhook_configuration: { application: '' },
  };
}

/**
 * Graph's answer to an expired token (code 190, subcode 463), or null while the token is good:
 * `faults.tokenExpired` forces it, and a `tokenExpiresAt` in the past causes it.
 */
export function expiredTokenBody(a: AccountState, forced: boolean, nowMs: number) {
  const expiredAt = a.tokenExpiresAt > 0 && a.tokenExpiresAt * 1000 <= nowMs ? a.tokenExpiresAt * 1000 : forced ? nowMs - 3_600_000 : null;
  if (expiredAt === null) return null;
  return {
    error: {
      message: `Error validating access token: Session has expired on ${new Date(expiredAt).toUTCString()}. The current time is ${new Date(nowMs).toUTCString()}.`,
      type: 'OAuthException',
      code: 190,
      error_subcode: 463,
      fbtrace_id: newFbtraceId(),
    },
  };
}

export interface AccountRouteDeps {
  biz: BusinessIdentity;
  account: AccountState;
  accessToken: string;
  clock: { now(): number };
}

/**
 * `GET /{v}/debug_token` and `GET|POST|DELETE /{v}/{waba}/subscribed_apps`. Mount before the generic
 * `/:version/:nodeId` route, which would otherwise take `debug_token` for a node id.
 */
export function mountAccountRoutes(app: Hono, deps: AccountRouteDeps): void {
  const { biz, account } = deps;
  const unsupported = (method: string, id: string) =>
    new GraphError(100, {
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      details: 'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      subcode: 33,
    });

  app.get('/:version/debug_token', (c) => {
    const input = c.req.query('input_token');
    if (!input) throw new GraphError(100, { message: 'The parameter input_token is required' });
    // An unknown token is not an HTTP error here: Graph answers 200 with is_valid false.
    if (input !== deps.accessToken) return c.json({ data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } });
    const issuedAt = Math.floor(deps.clock.now() / 1000) - 86_400;
    return c.json({
      data: {
        app_id: SIMULATED_APP.id,
        type: 'SYSTEM_USER',
        application: SIMULATED_APP.name,
        data_access_expires_at: 0,
        expires_at: account.tokenExpiresAt,
        is_valid: true,
        issued_at: issuedAt,
        scopes: account.scopes,
        granular_scopes: account.scopes.filter((s) => s.startsWith('whatsapp_')).map((scope) => ({ scope, target_ids: [biz.wabaId] })),
        user_id: '1000000000000099',
      },
    });
  });

  const wabaOnly = (method: string, id: string) => {
    if (id !== biz.wabaId) throw unsupported(method, id);
  };
  app.get('/:version/:nodeId/subscribed_apps', (c) => {
    wabaOnly('get', c.req.param('nodeId'));
    return c.json({ data: account.subscribed ? [{ whatsapp_business_api_data: { ...SIMULATED_APP } }] : [] });
  });
  app.post('/:version/:nodeId/subscribed_apps', (c) => {
    wabaOnly('post', c.req.param('nodeId'));
    account.subscribed = true;
    return c.json({ success: true });
  });
  app.delete('/:version/:nodeId/subscribed_apps', (c) => {
    wabaOnly('delete', c.req.param('nodeId'));
    account.subscribed = false;
    return c.json({ success: true });
  });
}

/**
 * Meta's verification request, as sent when a callback URL is saved in the App Dashboard:
 * `GET <url>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`. Verified only when the answer is
 * 200 with the challenge echoed byte for byte (CLOUD-API.md §1.1).
 */
export async function verifyCallbackUrl(opts: { webhookUrl: string; fetch: typeof fetch }, verifyToken: string): Promise<{ verified: boolean; status: number }> {
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  const url = new URL(opts.webhookUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await opts.fetch(url.href, { method: 'GET' });
    const body = await res.text();
    return { verified: res.status === 200 && body === challenge, status: res.status };
  } catch {
    return { verified: false, status: 0 };
  }
}
