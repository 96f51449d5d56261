import { api } from '../../lib/api/client';

/** ok: fine · warn: works, but needs attention · fail: broken · skip: not checked (an earlier line failed). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of a channel's setup check, as the server words it. */
export interface CheckLine {
  id: 'token' | 'phone_number' | 'quality' | 'subscription' | 'webhook_verified' | 'webhook_received' | 'templates';
  label: string;
  status: CheckStatus;
  summary: string;
  /** What to do, in plain words (null when nothing). */
  fix: string | null;
  /** A repair offered as a button on this line. */
  action: 'subscribe' | null;
}

export interface ChannelCheckResult {
  channelId: string;
  checkedAt: string;
  status: 'ok' | 'warn' | 'fail';
  lines: CheckLine[];
}

/** Asks Meta (through the server) about the token, number and subscription; always answers, even when Meta fails. */
export const runChannelCheck = (channelId: string) => api<ChannelCheckResult>(`/channels/${channelId}/check`);
/** Subscribes the app to the channel's WhatsApp account; answers the subscription line as it is now. */
export const subscribeChannelApp = (channelId: string) => api<CheckLine>(`/channels/${channelId}/subscribe`, { method: 'POST' });
