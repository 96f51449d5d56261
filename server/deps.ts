import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../db/client.js';
import { createApiTokenStore, type ApiTokenStore } from './auth/auth.tokens.js';
import { createLoginLimiter, type LoginLimiter, type LoginLimits } from './auth/auth.rate-limit.js';
import { createSessionStore, type SessionStore } from './auth/auth.sessions.js';
import { createUserStore, type UserStore } from './auth/auth.users.js';
import { createChannelRepository, type Channel, type ChannelRepository } from './channels/channels.repository.js';
import type { Config } from './config.js';
import { createJobStore, type JobStore } from './jobs/jobs.store.js';
import { createWorker, type Worker } from './jobs/jobs.worker.js';
import type { Clock } from './lib/clock.js';
import { createEventBus, type EventBus } from './lib/event-bus.js';
import type { Logger } from './lib/logger.js';
import { createSecretBox, type SecretBox } from './lib/secret-box.js';
import { createEventOutbox, type EventOutbox } from './events/events.outbox.js';
import { createRuleCache, type RuleCache } from './rules/rules.repository.js';
import { createLocalMediaStorage, type MediaStorage } from './media/media.storage.js';
import { createS3MediaStorage } from './media/media.storage.s3.js';
import { createGraphClient, type GraphClient } from './whatsapp/graph/graph.client.js';
import { createTokenBuckets } from './whatsapp/outbound/rate-limit.js';
import { createWebhookIngest, type WebhookIngest } from './whatsapp/webhook/webhook.ingest.js';
import type { Sandbox } from './whatsapp/sandbox/sandbox.js';
import type { VapidKeys } from './push/push.keys.js';
import { createAppMetrics, type AppMetrics } from './metrics/metrics.catalog.js';
import { registerCollectors } from './metrics/metrics.collectors.js';

/** Everything routes and usecases need, passed explicitly (no module singletons). */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobStore;
  worker: Worker;
  users: UserStore;
  sessions: SessionStore;
  apiTokens: ApiTokenStore;
  loginLimiter: LoginLimiter;
  channels: ChannelRepository;
  bus: EventBus;
  storage: MediaStorage;
  ingest: WebhookIngest;
  buckets: ReturnType<typeof createTokenBuckets>;
  /** The Graph client of a channel (cached until the channel changes). */
  graphFor: (channel: Channel) => GraphClient;
  /** Wakes a job queue after a commit. */
  notify: (queue: string) => void;
  /** Folder of the built web app (index.html + assets), or null when not built. */
  webRoot: string | null;
  /** Sandbox mode: the in-process simulator and its channel. */
  sandbox: Sandbox | null;
  /** Web Push signing keys (null: push notifications off). */
  vapid: VapidKeys | null;
  /** Encrypts secrets at rest with the data dir's key. */
  box: SecretBox;
  /** Durable record of what happened, for outbound webhooks and automation. */
  outbox: EventOutbox;
  /** HTTP client for calls Parley makes out (tests pass a stand-in). */
  fetch: typeof fetch;
  /** Enabled automation rules, parsed once per change. */
  rules: RuleCache;
  /** Prometheus counters and gauges (`GET /metrics`); hot paths keep bound children. */
  metrics: AppMetrics;
}

/** Wires the stores over one database; tests pass their own clock, limits, folders and a silent logger. */
export function createDeps(input: {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  secretKey: Buffer;
  mediaDir?: string;
  tmpDir?: string;
  webRoot?: string | null;
  loginLimits?: LoginLimits;
  pollMs?: number;
  fetch?: typeof fetch;
  vapid?: VapidKeys | null;
}): AppDeps {
  const { config, db, clock, logger } = input;
  const jobs = createJobStore(db, clock);
  const worker = createWorker({ store: jobs, clock, logger, pollMs: input.pollMs });
  const box = createSecretBox(input.secretKey);
  const channels = createChannelRepository({ db, clock, box, defaults: { graphUrl: config.graphUrl, graphVersion: config.graphVersion } });
  const scratch = input.mediaDir && input.tmpDir ? null : mkdtempSync(join(tmpdir(), 'parley-media-'));
  const clients = new Map<string, GraphClient>();
  channels.onChange(() => clients.clear());
  const notify = (queue: string) => worker.notify(queue);
  const metrics = createAppMetrics();
  registerCollectors(metrics, { db, clock, inflight: () => worker.inflight() });
  return {
    config,
    db,
    clock,
    logger,
    jobs,
    worker,
    users: createUserStore(db, clock),
    sessions: createSessionStore(db, clock),
    apiTokens: createApiTokenStore(db, clock),
    loginLimiter: createLoginLimiter(clock, input.loginLimits),
    channels,
    bus: createEventBus(),
    storage: config.s3 ? createS3MediaStorage(config.s3) : createLocalMediaStorage(input.mediaDir ?? join(scratch!, 'media'), input.tmpDir ?? scratch!),
    ingest: createWebhookIngest({ db, jobs, clock, onCommitted: () => notify('whatsapp.process-webhook') }),
    buckets: createTokenBuckets(clock),
    graphFor: (channel) => {
      let client = clients.get(channel.id);
      if (!client) {
        client = createGraphClient({ baseUrl: channel.graphBaseUrl, version: channel.graphVersion, accessToken: channel.accessToken, fetch: input.fetch, onError: (err) => metrics.graphError(err) });
        clients.set(channel.id, client);
      }
      return client;
    },
    notify,
    webRoot: input.webRoot ?? null,
    sandbox: null,
    vapid: input.vapid ?? null,
    box,
    outbox: createEventOutbox(db, jobs, logger),
    fetch: input.fetch ?? fetch,
    rules: createRuleCache(db),
    metrics,
  };
}
