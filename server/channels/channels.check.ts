// The setup check ("doctor") for one channel: what Meta says about the token, the number and the app's
// subscription (through the channel's Graph client), plus what Parley saw (webhook handshake and
// deliveries, template syncs). Every failure becomes a line with a fix in plain words, never an exception.
//
// Token expiry: `GET /debug_token` is documented to need an app token (or an app developer's user token),
// which Parley does not hold. Validity therefore comes from `GET /{phone-number-id}` with the channel's
// token (a 190/0 answer means expired or revoked); `debug_token` is asked with the channel's own token as
// a best effort, and when Meta answers, its `expires_at` (0 = never, a system-user token) and `scopes`
// refine the line. When it refuses, expiry is reported as unknown, not as a failure.
import type { AppDeps } from '../deps.js';
import { messagingLimit, MESSAGING_LIMIT_TIERS } from '../campaigns/campaigns.limits.js';
import { SYNC_TEMPLATES_QUEUE } from '../templates/templates.jobs.js';
import { GraphError, GraphNetworkError, type GraphClient } from '../whatsapp/graph/graph.client.js';
import { explainGraphError } from '../whatsapp/graph/graph.errors.js';
import { line, templatesLine, webhookReceivedLine, webhookVerifiedLine, type CheckLine, type CheckStatus } from './channels.check-local.js';
import type { Channel } from './channels.repository.js';

export type { CheckLine, CheckStatus } from './channels.check-local.js';

export type CheckDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'channels' | 'graphFor'>;

export interface ChannelCheck {
  channelId: string;
  checkedAt: string;
  /** The worst line: fail > warn > ok (skipped lines do not count). */
  status: 'ok' | 'warn' | 'fail';
  lines: CheckLine[];
}

// `messaging_limit_tier` is deprecated (CLOUD-API.md §6.3); its replacement is asked for, and dropped if
// this Graph version does not know it (Graph refuses the whole call for one unknown field).
const PHONE_FIELDS = ['verified_name', 'display_phone_number', 'quality_rating', 'code_verification_status', 'platform_type', 'throughput', 'name_status', 'status'];
const LIMIT_FIELD = 'whatsapp_business_manager_messaging_limit';
/** A check should answer while the owner waits; Graph's usual deadline is 15 s. */
const CHECK_TIMEOUT_MS = 10_000;
const EXPIRY_WARN_MS = 14 * 86_400_000;
const LIMITS: Record<string, number | null> = { TIER_250: 250, TIER_1K: 1_000, TIER_2K: 2_000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: null };

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

interface TokenInfo {
  isValid: boolean;
  /** Epoch ms; 0 = never expires; null = not said. */
  expiresAt: number | null;
  scopes: string[] | null;
  appId: string | null;
  error: string | null;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const isAuthError = (e: unknown) => e instanceof GraphError && (e.code === 190 || e.code === 0 || (e.code === null && e.httpStatus === 401));
const isPermissionError = (e: unknown) => e instanceof GraphError && e.code !== null && (e.code === 10 || (e.code >= 200 && e.code <= 299));
const isUnknownId = (e: unknown) => e instanceof GraphError && (e.code === 100 || e.code === 33 || e.code === 803);
const isRateLimited = (e: unknown) => e instanceof GraphError && (e.code === 4 || e.code === 80007);

async function readPhoneNumber(graph: GraphClient, pnid: string): Promise<Record<string, unknown>> {
  try {
    return await graph.call('GET', [pnid], { query: { fields: [...PHONE_FIELDS, LIMIT_FIELD].join(',') }, timeoutMs: CHECK_TIMEOUT_MS });
  } catch (err) {
    if (!(err instanceof GraphError && err.code === 100 && /nonexist/i.test(err.title))) throw err;
    return graph.call('GET', [pnid], { query: { fields: PHONE_FIELDS.join(',') }, timeoutMs: CHECK_TIMEOUT_MS });
  }
}

async function readToken(graph: GraphClient, token: string): Promise<TokenInfo> {
  const res = await graph.call('GET', ['debug_token'], { query: { input_token: token }, timeoutMs: CHECK_TIMEOUT_MS });
  const d = res.data && typeof res.data === 'object' ? (res.data as Record<string, unknown>) : {};
  const err = d.error && typeof d.error === 'object' ? (d.error as Record<string, unknown>) : null;
  const expires = typeof d.expires_at === 'number' ? d.expires_at : null;
  return {
    isValid: d.is_valid === true,
    expiresAt: expires === null ? null : expires * 1000,
    scopes: Array.isArray(d.scopes) ? d.scopes.filter((s): s is string => typeof s === 'string') : null,
    appId: str(d.app_id),
    error: err ? (str(err.message) ?? 'invalid token') : null,
  };
}

/** The apps receiving this WABA's webhooks: `{data:[{whatsapp_business_api_data:{id,name,link}}]}`. */
async function readSubscribedApps(graph: GraphClient, wabaId: string): Promise<{ id: string | null; name: string | null }[]> {
  const res = await graph.call('GET', [wabaId, 'subscribed_apps'], { timeoutMs: CHECK_TIMEOUT_MS });
  const rows = Array.isArray(res.data) ? res.data : [];
  return rows.map((r) => {
    const app = r && typeof r === 'object' ? ((r as Record<string, unknown>).whatsapp_business_api_data as Record<string, unknown> | undefined) : undefined;
    return { id: str(app?.id), name: str(app?.name) };
  });
}

/** Plain words for a failed Graph call on a line; network failures and unknown ids get their own sentences. */
function graphFailure(err: unknown, channel: Channel, what: string): { summary: string; fix: string } {
  if (err instanceof GraphNetworkError) {
    return {
      summary: `Parley could not reach Meta at ${channel.graphBaseUrl}: ${err.message}`,
      fix: 'Check that this server can open HTTPS connections to graph.facebook.com (DNS, firewall, proxy), then check again.',
    };
  }
  if (isPermissionError(err)) {
    return {
      summary: `The token is not allowed to read the ${what}.`,
      fix: 'In Meta Business Settings → Users → System users, assign this WhatsApp account to the system user (full control), then generate a new token with the whatsapp_business_management and whatsapp_business_messaging permissions.',
    };
  }
  if (isRateLimited(err)) return { summary: 'Meta is rate-limiting this app right now.', fix: 'Check again in a few minutes.' };
  const e = err instanceof GraphError ? err : null;
  return { summary: `${explainGraphError(e?.code ?? null, e?.title)}${e?.code != null ? ` (Meta error ${e.code})` : ''}`, fix: 'Check the IDs and token in the channel settings against App Dashboard → WhatsApp → API Setup.' };
}

/** Where this channel's token is set: the WA_* variables for the boot channel, the API for the others. */
function tokenHome(channel: Channel, deps: CheckDeps): string {
  return deps.config.whatsapp?.phoneNumberId === channel.phoneNumberId
    ? 'set it as WA_ACCESS_TOKEN and restart Parley'
    : `save it as this channel's accessToken (PATCH /api/v1/channels/${channel.id})`;
}

function tokenFix(channel: Channel, deps: CheckDeps): string {
  return `Create a token that does not expire: in Meta Business Settings → Users → System users, add a system user with access to this WhatsApp account, click “Generate new token”, pick this app and the whatsapp_business_management and whatsapp_business_messaging permissions, then ${tokenHome(channel, deps)}.`;
}

function tokenLine(deps: CheckDeps, channel: Channel, phone: Settled<unknown>, debug: Settled<TokenInfo>, authError: unknown): CheckLine {
  const label = 'Access token';
  const now = deps.clock.now();
  if (authError) {
    const e = authError as GraphError;
    return line('token', label, 'fail', `${explainGraphError(e.code, e.title)} Meta said: “${e.title}”.`, tokenFix(channel, deps));
  }
  if (!phone.ok && phone.error instanceof GraphNetworkError) {
    const f = graphFailure(phone.error, channel, '');
    return line('token', label, 'fail', f.summary, f.fix);
  }
  const info = debug.ok ? debug.value : null;
  if (info && !info.isValid && !phone.ok) return line('token', label, 'fail', `Meta says the token is not valid: ${info.error ?? 'no reason given'}.`, tokenFix(channel, deps));
  if (info?.scopes?.length && !info.scopes.includes('whatsapp_business_messaging')) {
    return line('token', label, 'fail', 'The token lacks the whatsapp_business_messaging permission, so Parley cannot send messages.', tokenFix(channel, deps));
  }
  const paused = channel.status === 'needs_token';
  const pausedFix = `Sending is paused because WhatsApp refused the token earlier. ${
    deps.config.whatsapp?.phoneNumberId === channel.phoneNumberId ? 'Restart Parley to resume: WA_ACCESS_TOKEN is saved again at start-up.' : `Save the token again (PATCH /api/v1/channels/${channel.id} with accessToken) to resume.`
  }`;
  const missingManagement = info?.scopes?.length && !info.scopes.includes('whatsapp_business_management');
  if (info?.expiresAt) {
    const until = new Date(info.expiresAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    if (info.expiresAt - now < EXPIRY_WARN_MS) return line('token', label, 'warn', `Valid, but it expires ${info.expiresAt <= now ? 'now' : `on ${until}`}. Parley stops sending when it does.`, tokenFix(channel, deps));
    return line('token', label, paused ? 'warn' : 'ok', `Valid until ${until}.`, paused ? pausedFix : null);
  }
  if (missingManagement) {
    return line('token', label, 'warn', 'Valid, but without the whatsapp_business_management permission: template syncs and this check cannot read the account.', tokenFix(channel, deps));
  }
  const expiry = info?.expiresAt === 0 ? 'never expires (a system user token)' : 'Meta did not say when it expires (it only tells an app token)';
  return line('token', label, paused ? 'warn' : 'ok', `Valid; ${expiry}.`, paused ? pausedFix : null);
}

function phoneLine(channel: Channel, phone: Settled<Record<string, unknown>>, skip: string | null): CheckLine {
  const label = 'Phone number registered';
  if (skip) return line('phone_number', label, 'skip', skip);
  if (!phone.ok) {
    if (isUnknownId(phone.error)) {
      return line(
        'phone_number',
        label,
        'fail',
        `Meta does not know phone number ID ${channel.phoneNumberId}, or this token cannot see it.`,
        'Copy the “Phone number ID” (not the phone number itself) from App Dashboard → WhatsApp → API Setup, and make sure the token’s system user has this WhatsApp account assigned.',
      );
    }
    const f = graphFailure(phone.error, channel, 'phone number');
    return line('phone_number', label, 'fail', f.summary, f.fix);
  }
  const p = phone.value;
  const name = [str(p.display_phone_number), str(p.verified_name)].filter(Boolean).join(' · ');
  const platform = str(p.platform_type);
  const status = str(p.status);
  if (platform !== 'CLOUD_API') {
    return line(
      'phone_number',
      label,
      'fail',
      platform === 'ON_PREMISE' ? `${name} is registered with the retired On-Premises API.` : `${name} is not registered with the Cloud API (platform: ${platform ?? 'none'}).`,
      'Register it: finish the number’s setup in WhatsApp Manager → Phone numbers, or call POST /{phone-number-id}/register with messaging_product "whatsapp" and a 6-digit two-step verification PIN.',
    );
  }
  if (status && status !== 'CONNECTED') {
    const soft = ['PENDING', 'FLAGGED', 'RESTRICTED', 'RATE_LIMITED'].includes(status);
    return line('phone_number', label, soft ? 'warn' : 'fail', `${name} is ${status.toLowerCase().replace(/_/g, ' ')}.`, 'Open WhatsApp Manager → Phone numbers to see why Meta limits this number and what it asks for.');
  }
  const code = str(p.code_verification_status);
  if (code === 'NOT_VERIFIED' || code === 'EXPIRED') {
    return line('phone_number', label, 'warn', `${name} is connected, but its ownership verification is ${code.toLowerCase().replace('_', ' ')}.`, 'Verify the number with the SMS or voice code in WhatsApp Manager → Phone numbers.');
  }
  if (str(p.name_status) === 'DECLINED') {
    return line('phone_number', label, 'warn', `${name} is connected, but Meta declined its display name.`, 'Edit the display name in WhatsApp Manager → Phone numbers to follow Meta’s display name guidelines.');
  }
  return line('phone_number', label, 'ok', `${name} is connected to the Cloud API.`);
}

function qualityLine(deps: CheckDeps, channel: Channel, phone: Settled<Record<string, unknown>>, skip: string | null): CheckLine {
  const label = 'Quality and limits';
  if (skip || !phone.ok) return line('quality', label, 'skip', skip ?? 'Not checked: the phone number could not be read.');
  const p = phone.value;
  const rating = str(p.quality_rating) ?? 'UNKNOWN';
  const level = p.throughput && typeof p.throughput === 'object' ? str((p.throughput as Record<string, unknown>).level) : null;
  const perSecond = level === 'HIGH' ? 1000 : level === 'STANDARD' ? 80 : null;
  const tier = str(p[LIMIT_FIELD]);
  const reach = tier && tier in LIMITS ? LIMITS[tier] : undefined;
  const parts = [
    { GREEN: 'Quality high', YELLOW: 'Quality medium', RED: 'Quality low' }[rating] ?? 'Quality not rated yet',
    perSecond ? `${perSecond.toLocaleString('en-US')} messages/second` : null,
    reach === undefined ? null : reach === null ? 'unlimited customers a day' : `${reach.toLocaleString('en-US')} customers a day`,
  ].filter(Boolean);
  const summary = parts.join(' · ') + '.';
  if (rating === 'YELLOW' || rating === 'RED') {
    return line('quality', label, 'warn', summary, 'Customers blocked or reported recent messages. Send marketing only to people who opted in, make it easy to opt out, and send less until the rating recovers; a low rating can pause templates and limit the number.');
  }
  if (perSecond !== null && channel.throughputPerSecond > perSecond) {
    return line('quality', label, 'warn', summary, `Parley is set to send ${channel.throughputPerSecond} messages/second from this number but Meta allows ${perSecond}: lower the channel's throughputPerSecond.`);
  }
  const local = messagingLimit(deps.db);
  if (reach !== undefined && (MESSAGING_LIMIT_TIERS as readonly (number | null)[]).includes(reach) && reach !== local) {
    return line('quality', label, 'warn', summary, `Campaigns pace themselves to ${local === null ? 'no limit' : `${local.toLocaleString('en-US')} customers a day`}, but Meta allows ${reach === null ? 'unlimited' : reach.toLocaleString('en-US')}: change “Messaging limit” in Settings → Workspace to match.`);
  }
  return line('quality', label, 'ok', summary);
}

function subscriptionLine(channel: Channel, subs: Settled<{ id: string | null; name: string | null }[]> | null, appId: string | null, skip: string | null): CheckLine {
  const label = 'App subscribed to the WhatsApp account';
  if (!channel.wabaId || !subs) {
    return line('subscription', label, 'fail', 'This channel has no WhatsApp Business Account ID.', 'Add the “WhatsApp Business Account ID” from App Dashboard → WhatsApp → API Setup to the channel (WA_WABA_ID, or wabaId in PATCH /api/v1/channels/:id).');
  }
  if (skip) return line('subscription', label, 'skip', skip);
  if (!subs.ok) {
    if (isUnknownId(subs.error)) {
      return line('subscription', label, 'fail', `Meta does not know WhatsApp Business Account ID ${channel.wabaId}, or this token cannot see it.`, 'Copy the “WhatsApp Business Account ID” from App Dashboard → WhatsApp → API Setup into the channel settings.');
    }
    const f = graphFailure(subs.error, channel, 'WhatsApp account');
    return line('subscription', label, 'fail', f.summary, f.fix);
  }
  const apps = subs.value;
  const names = apps.map((a) => a.name ?? a.id ?? 'an app').join(', ');
  const subscribeFix = 'Click “Subscribe app”: it calls POST /{waba-id}/subscribed_apps with this channel’s token, so Meta sends this account’s webhooks to the app.';
  if (apps.length === 0) return line('subscription', label, 'fail', 'No app is subscribed to this WhatsApp account, so Meta sends no webhooks for it.', subscribeFix, 'subscribe');
  if (appId && !apps.some((a) => a.id === appId)) {
    return line('subscription', label, 'fail', `Subscribed: ${names} — but not the app this token belongs to.`, subscribeFix, 'subscribe');
  }
  return line('subscription', label, 'ok', `Subscribed: ${names}.`);
}

/** Runs every check for a channel (three Graph reads in parallel, then local reads). Never throws for Meta's answers. */
export async function checkChannel(deps: CheckDeps, channel: Channel): Promise<ChannelCheck> {
  const graph = deps.graphFor(channel);
  const [phone, debug, subs] = await Promise.all([
    settle(readPhoneNumber(graph, channel.phoneNumberId)),
    settle(readToken(graph, channel.accessToken)),
    channel.wabaId ? settle(readSubscribedApps(graph, channel.wabaId)) : Promise.resolve(null),
  ]);
  // debug_token's own refusals do not count: Meta may reserve it for app tokens (see the top of this file).
  const authError = [phone, subs].map((s) => (s && !s.ok && isAuthError(s.error) ? s.error : null)).find(Boolean) ?? null;
  const unreachable = !phone.ok && phone.error instanceof GraphNetworkError;
  const skip = authError ? 'Not checked: Meta refused the access token (see above).' : unreachable ? 'Not checked: Meta could not be reached (see above).' : null;
  const now = deps.clock.now();
  const lines = [
    tokenLine(deps, channel, phone, debug, authError),
    phoneLine(channel, phone, skip),
    qualityLine(deps, channel, phone, skip),
    subscriptionLine(channel, subs, debug.ok ? debug.value.appId : null, skip),
    webhookVerifiedLine({ ...deps, now }, channel),
    webhookReceivedLine({ ...deps, now }, channel),
    templatesLine({ db: deps.db, now, queue: SYNC_TEMPLATES_QUEUE }, channel),
  ];
  return { channelId: channel.id, checkedAt: new Date(now).toISOString(), status: worst(lines.map((l) => l.status)), lines };
}

/** Subscribes the token's app to the channel's WABA, then reads the subscription back as a check line. */
export async function subscribeChannelApp(deps: CheckDeps, channel: Channel): Promise<{ subscribed: boolean; line: CheckLine }> {
  if (!channel.wabaId) return { subscribed: false, line: subscriptionLine(channel, null, null, null) };
  const graph = deps.graphFor(channel);
  const posted = await settle(graph.call('POST', [channel.wabaId, 'subscribed_apps'], { timeoutMs: CHECK_TIMEOUT_MS }));
  if (!posted.ok && isAuthError(posted.error)) {
    const e = posted.error as GraphError;
    return { subscribed: false, line: line('subscription', 'App subscribed to the WhatsApp account', 'fail', `${explainGraphError(e.code, e.title)}`, tokenFix(channel, deps), 'subscribe') };
  }
  // Read back either way: the line then says what Meta holds now, not what the POST hoped for.
  const subs = posted.ok ? await settle(readSubscribedApps(graph, channel.wabaId)) : posted;
  return { subscribed: posted.ok, line: subscriptionLine(channel, subs as Settled<{ id: string | null; name: string | null }[]>, null, null) };
}

function worst(statuses: CheckStatus[]): ChannelCheck['status'] {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'ok';
}

