import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channels } from '../../db/schema/whatsapp.js';
import type { Clock } from '../lib/clock.js';
import { toIso } from '../lib/clock.js';
import { conflict, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { SecretBox } from '../lib/secret-box.js';

export type ChannelRow = typeof channels.$inferSelect;

/** A channel with its secrets opened: only for the webhook route, Graph calls and jobs, never for JSON. */
export interface Channel {
  id: string;
  name: string;
  phoneNumberId: string;
  wabaId: string | null;
  displayPhoneNumber: string | null;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphBaseUrl: string;
  graphVersion: string;
  throughputPerSecond: number;
  status: ChannelRow['status'];
  statusReason: string | null;
  sandbox: boolean;
}

export interface ChannelInput {
  name?: string;
  phoneNumberId: string;
  wabaId?: string | null;
  displayPhoneNumber?: string | null;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  graphBaseUrl?: string | null;
  graphVersion?: string | null;
  throughputPerSecond?: number;
  sandbox?: boolean;
}

export type ChannelRepository = ReturnType<typeof createChannelRepository>;

/**
 * Channels with secrets sealed at rest and an in-memory cache of the opened rows: the webhook route
 * checks signatures against every app secret on each POST, so it must not decrypt per request.
 */
export function createChannelRepository(deps: { db: Db; clock: Clock; box: SecretBox; defaults: { graphUrl: string; graphVersion: string } }) {
  const { db, clock, box, defaults } = deps;
  let cache: Channel[] | null = null;

  const open = (row: ChannelRow): Channel => ({
    id: row.id,
    name: row.name,
    phoneNumberId: row.phoneNumberId,
    wabaId: row.wabaId,
    displayPhoneNumber: row.displayPhoneNumber,
    accessToken: box.open(row.accessTokenEnc),
    appSecret: box.open(row.appSecretEnc),
    verifyToken: box.open(row.verifyTokenEnc),
    graphBaseUrl: row.graphBaseUrl ?? defaults.graphUrl,
    graphVersion: row.graphVersion ?? defaults.graphVersion,
    throughputPerSecond: row.throughputPerSecond,
    status: row.status,
    statusReason: row.statusReason,
    sandbox: row.sandbox,
  });

  const load = () => (cache ??= db.select().from(channels).orderBy(asc(channels.createdAt)).all().map(open));
  const listeners: (() => void)[] = [];
  const changed = () => {
    cache = null;
    for (const fn of listeners) fn();
  };

  const sealed = (input: Partial<ChannelInput>) => ({
    ...(input.accessToken !== undefined && { accessTokenEnc: box.seal(input.accessToken) }),
    ...(input.appSecret !== undefined && { appSecretEnc: box.seal(input.appSecret) }),
    ...(input.verifyToken !== undefined && { verifyTokenEnc: box.seal(input.verifyToken) }),
  });

  return {
    all: (): readonly Channel[] => load(),
    byId: (id: string) => load().find((c) => c.id === id),
    byPhoneNumberId: (phoneNumberId: string) => load().find((c) => c.phoneNumberId === phoneNumberId),
    /** Called after any change (Graph clients and rate limiters drop their cached state). */
    onChange: (fn: () => void) => void listeners.push(fn),

    /** Adds a channel; 409 when the phone number id is already configured. */
    create(input: ChannelInput): Channel {
      const now = clock.now();
      const id = newId('ch');
      const inserted = db
        .insert(channels)
        .values({
          id,
          name: input.name ?? input.displayPhoneNumber ?? input.phoneNumberId,
          phoneNumberId: input.phoneNumberId,
          wabaId: input.wabaId ?? null,
          displayPhoneNumber: input.displayPhoneNumber ?? null,
          graphBaseUrl: input.graphBaseUrl ?? null,
          graphVersion: input.graphVersion ?? null,
          throughputPerSecond: input.throughputPerSecond ?? 80,
          sandbox: input.sandbox ?? false,
          accessTokenEnc: box.seal(input.accessToken),
          appSecretEnc: box.seal(input.appSecret),
          verifyTokenEnc: box.seal(input.verifyToken),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) throw conflict('channels.exists', `Phone number id ${input.phoneNumberId} is already a channel.`);
      changed();
      return this.byId(id)!;
    },

    /** Changes settings; secrets are replaced only when given. A new token clears "needs token". */
    update(id: string, patch: Partial<ChannelInput> & { name?: string }): Channel {
      const { accessToken, appSecret, verifyToken, ...plain } = patch;
      const values = {
        ...plain,
        ...sealed({ accessToken, appSecret, verifyToken }),
        ...(accessToken !== undefined && { status: 'active' as const, statusReason: null }),
        updatedAt: clock.now(),
      };
      const res = db.update(channels).set(values).where(eq(channels.id, id)).run();
      if (res.changes === 0) throw notFound('channels.not_found', 'No such channel.');
      changed();
      return this.byId(id)!;
    },

    /** Creates or updates the channel with this phone number id (the WA_* boot variables, the sandbox). */
    upsert(input: ChannelInput): Channel {
      const existing = this.byPhoneNumberId(input.phoneNumberId);
      return existing ? this.update(existing.id, input) : this.create(input);
    },

    setStatus(id: string, status: ChannelRow['status'], reason: string | null): void {
      db.update(channels).set({ status, statusReason: reason, updatedAt: clock.now() }).where(eq(channels.id, id)).run();
      changed();
    },

    /** Remembers when Meta last reached us (for the setup check); not cached. */
    touchWebhook(ids: Iterable<string>, at: number): void {
      for (const id of ids) db.update(channels).set({ lastWebhookAt: at }).where(eq(channels.id, id)).run();
    },

    /** Remembers a successful `hub.challenge` handshake (Meta only sends it when the callback URL is saved). */
    markWebhookVerified(ids: Iterable<string>, at: number): void {
      for (const id of ids) db.update(channels).set({ webhookVerifiedAt: at }).where(eq(channels.id, id)).run();
    },

    /** When Meta last verified the callback URL for this channel and last delivered to it (epoch ms or null). */
    webhookTimes(id: string): { verifiedAt: number | null; lastWebhookAt: number | null } {
      const row = db.select({ verifiedAt: channels.webhookVerifiedAt, lastWebhookAt: channels.lastWebhookAt }).from(channels).where(eq(channels.id, id)).get();
      return { verifiedAt: row?.verifiedAt ?? null, lastWebhookAt: row?.lastWebhookAt ?? null };
    },

    /** JSON for admins: never a token or app secret; the verify token is shown to paste into Meta. */
    toJson(c: Channel, publicUrl: string) {
      const row = db.select({ lastWebhookAt: channels.lastWebhookAt, webhookVerifiedAt: channels.webhookVerifiedAt, createdAt: channels.createdAt }).from(channels).where(eq(channels.id, c.id)).get();
      return {
        id: c.id,
        name: c.name,
        phoneNumberId: c.phoneNumberId,
        wabaId: c.wabaId,
        displayPhoneNumber: c.displayPhoneNumber,
        status: c.status,
        statusReason: c.statusReason,
        sandbox: c.sandbox,
        throughputPerSecond: c.throughputPerSecond,
        graphBaseUrl: c.graphBaseUrl,
        graphVersion: c.graphVersion,
        webhookUrl: `${publicUrl}/webhooks/whatsapp`,
        verifyToken: c.verifyToken,
        hasAccessToken: c.accessToken.length > 0,
        hasAppSecret: c.appSecret.length > 0,
        lastWebhookAt: toIso(row?.lastWebhookAt),
        webhookVerifiedAt: toIso(row?.webhookVerifiedAt),
        createdAt: toIso(row?.createdAt),
      };
    },
  };
}
