// The setup check's lines that Parley answers from its own database: the webhook handshake, the last
// webhook received and the template sync. No Graph calls here.
import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { Channel, ChannelRepository } from './channels.repository.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export type CheckLineId = 'token' | 'phone_number' | 'quality' | 'subscription' | 'webhook_verified' | 'webhook_received' | 'templates';

/** One line of the setup check: what was found and, when something is wrong, what to do in plain words. */
export interface CheckLine {
  id: CheckLineId;
  label: string;
  status: CheckStatus;
  summary: string;
  fix: string | null;
  /** A repair the UI offers as a button on this line. */
  action: 'subscribe' | null;
}

const DAY_MS = 86_400_000;
/** Quiet numbers exist, but a week without a single webhook usually means Meta stopped sending. */
const QUIET_WARN_MS = 7 * DAY_MS;
/** Templates sync every 6 hours; a day without one means the scheduled syncs are failing. */
const TEMPLATES_STALE_MS = DAY_MS;
/** How far back the raw archive is searched for this channel's last body (the table has no index on signers). */
const RAW_SCAN_ROWS = 20_000;

/** "5 minutes ago", "3 days ago": times without a timezone to get wrong. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (s < 60) return 'just now';
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < DAY_MS / 1000) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86_400), 'day');
}

export const line = (id: CheckLineId, label: string, status: CheckStatus, summary: string, fix: string | null = null, action: CheckLine['action'] = null): CheckLine => ({
  id,
  label,
  status,
  summary,
  fix,
  action,
});

/** The newest raw body signed with this channel's app secret (bounded scan from the newest row). */
function lastRawWebhook(db: Db, channelId: string): { receivedAt: number; state: string; error: string | null } | undefined {
  return db.$client
    .prepare(
      `SELECT received_at AS receivedAt, state, error FROM webhook_events
       WHERE id > (SELECT coalesce(max(id), 0) FROM webhook_events) - ${RAW_SCAN_ROWS}
         AND instr(',' || signed_for || ',', ',' || ? || ',') > 0
       ORDER BY id DESC LIMIT 1`,
    )
    .get(channelId) as { receivedAt: number; state: string; error: string | null } | undefined;
}

/** "Webhook verified": Meta's GET handshake, which it sends only when the callback URL is saved. */
export function webhookVerifiedLine(deps: { db: Db; config: Config; channels: ChannelRepository; now: number }, channel: Channel): CheckLine {
  const label = 'Webhook verified';
  const times = deps.channels.webhookTimes(channel.id);
  if (times.verifiedAt !== null) return line('webhook_verified', label, 'ok', `Meta verified the callback URL ${ago(times.verifiedAt, deps.now)}.`);
  const received = times.lastWebhookAt ?? lastRawWebhook(deps.db, channel.id)?.receivedAt ?? null;
  if (received !== null) {
    // Verified before Parley kept a record of it: deliveries prove the URL works.
    return line('webhook_verified', label, 'ok', 'Meta is delivering webhooks, so the callback URL is verified (the handshake happened before Parley recorded it).');
  }
  const url = `${deps.config.publicUrl}/webhooks/whatsapp`;
  if (channel.sandbox) {
    return line('webhook_verified', label, 'fail', 'The sandbox has not verified its callback URL yet.', 'Restart Parley: the sandbox repeats Meta’s verification at start-up.');
  }
  const publicHint = /^https:\/\//.test(url) && !/\/\/(localhost|127\.|\[::1\])/.test(url)
    ? ''
    : ` Meta only calls public https addresses, and PUBLIC_URL is ${deps.config.publicUrl}: set PUBLIC_URL to this server's https address first.`;
  return line(
    'webhook_verified',
    label,
    'fail',
    'Meta has never verified the callback URL with this channel’s verify token, so no webhooks arrive.',
    `In Meta's App Dashboard → WhatsApp → Configuration, set the Callback URL to ${url} and the Verify token to the one shown above, click “Verify and save”, then subscribe to the “messages” field.${publicHint}`,
  );
}

/** "Last webhook received": routed to this number, or at least signed with its app secret. */
export function webhookReceivedLine(deps: { db: Db; channels: ChannelRepository; now: number }, channel: Channel): CheckLine {
  const label = 'Last webhook received';
  const raw = lastRawWebhook(deps.db, channel.id);
  const routed = deps.channels.webhookTimes(channel.id).lastWebhookAt;
  const at = Math.max(routed ?? 0, raw?.receivedAt ?? 0) || null;
  if (at === null) {
    const tryIt = channel.sandbox
      ? 'Write to the sandbox number from the customer phone page (/sandbox/phone); the message should reach the inbox within seconds.'
      : `Send a WhatsApp message to ${channel.displayPhoneNumber ?? 'this number'} from your own phone; it should reach the inbox within seconds.`;
    return line(
      'webhook_received',
      label,
      'warn',
      'No webhook has arrived for this number yet.',
      `${tryIt} If it does not, fix the lines above, make sure “messages” is subscribed in App Dashboard → WhatsApp → Configuration, and check that the channel's app secret matches App Dashboard → App settings → Basic (Parley refuses bodies signed with another secret).`,
    );
  }
  if (raw && raw.receivedAt >= at && raw.state === 'failed') {
    return line(
      'webhook_received',
      label,
      'warn',
      `The last webhook (${ago(raw.receivedAt, deps.now)}) could not be processed: ${(raw.error ?? 'unknown error').slice(0, 300)}`,
      'Replay failed webhooks with POST /api/v1/admin/webhook-events/replay once the cause is fixed; the raw bodies are kept.',
    );
  }
  if (deps.now - at > QUIET_WARN_MS) {
    return line(
      'webhook_received',
      label,
      'warn',
      `The last webhook arrived ${ago(at, deps.now)}.`,
      'If customers have written since, Meta stopped delivering: check the app subscription and the callback URL above.',
    );
  }
  return line('webhook_received', label, 'ok', `The last webhook arrived ${ago(at, deps.now)}.`);
}

interface SyncJob {
  state: string;
  lastError: string | null;
  updatedAt: number;
}

/** "Templates synced": rows of this WABA, the newest write (every sync rewrites each row), and any sync job in flight or dead. */
export function templatesLine(deps: { db: Db; now: number; queue: string }, channel: Channel): CheckLine {
  const label = 'Templates synced';
  if (!channel.wabaId) return line('templates', label, 'skip', 'Not checked: templates belong to a WhatsApp Business Account, and this channel has no account ID.');
  const stats = deps.db.$client
    .prepare(`SELECT count(*) AS total, sum(status = 'APPROVED') AS approved, max(updated_at) AS lastAt FROM templates WHERE waba_id = ?`)
    .get(channel.wabaId) as { total: number; approved: number | null; lastAt: number | null };
  // Both lookups use the jobs table's partial indexes (in-flight by queue; dead by time).
  const pending = deps.db.$client
    .prepare(`SELECT state, last_error AS lastError, updated_at AS updatedAt FROM jobs WHERE queue = ? AND state IN ('queued', 'running') AND json_extract(payload, '$.channelId') = ? LIMIT 1`)
    .get(deps.queue, channel.id) as SyncJob | undefined;
  const dead = deps.db.$client
    .prepare(`SELECT state, last_error AS lastError, updated_at AS updatedAt FROM jobs WHERE state = 'dead' AND queue = ? AND json_extract(payload, '$.channelId') = ? ORDER BY updated_at DESC LIMIT 1`)
    .get(deps.queue, channel.id) as SyncJob | undefined;

  const counted = `${stats.total} template${stats.total === 1 ? '' : 's'} (${stats.approved ?? 0} approved)`;
  const syncFix = 'Fix the lines above, then open Templates and click “Sync now”. Failed syncs are listed with their error at GET /api/v1/admin/jobs?state=dead.';
  if (dead && (stats.lastAt === null || dead.updatedAt > stats.lastAt)) {
    return line('templates', label, 'fail', `The last template sync failed: ${(dead.lastError ?? 'unknown error').slice(0, 300)}`, syncFix);
  }
  if (stats.lastAt === null) {
    if (pending) return line('templates', label, 'warn', 'The first template sync is running now; check again in a minute.');
    return line('templates', label, 'warn', 'No templates have been synced yet.', 'Create templates in WhatsApp Manager → Message templates, then open Templates in Parley and click “Sync now”.');
  }
  const when = `last synced ${ago(stats.lastAt, deps.now)}`;
  if (deps.now - stats.lastAt > TEMPLATES_STALE_MS && !pending) {
    return line('templates', label, 'warn', `${counted}, ${when}; syncs should run every 6 hours.`, syncFix);
  }
  return line('templates', label, 'ok', `${counted}, ${when}${pending ? '; a sync is running now' : ''}.`);
}
