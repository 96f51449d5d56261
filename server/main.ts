import { getRequestListener } from '@hono/node-server';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { migrateDb, openDb } from '../db/client.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDeps } from './deps.js';
import { startSchedules } from './jobs/jobs.schedules.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { projectRoot } from './lib/paths.js';
import { ensureOwner } from './system/bootstrap.js';
import { DataDirError, loadSecretKey, prepareDataDir } from './system/data-dir.js';
import { registerSystemJobs, SYSTEM_SCHEDULES } from './system/system.jobs.js';
import { conversations } from '../db/schema/inbox.js';
import { createSandbox, seedSandboxConversations, verifySandboxWebhook } from './whatsapp/sandbox/sandbox.js';
import { registerWhatsAppJobs } from './whatsapp/whatsapp.jobs.js';
import { registerConsentJobs } from './consent/consent.jobs.js';
import { registerCampaignJobs } from './campaigns/campaigns.jobs.js';
import { registerEventJobs } from './events/events.jobs.js';
import { EVENT_SCHEDULES, registerEventPurge } from './events/events.purge.js';
import { registerRules } from './rules/rules.jobs.js';
import { registerOutboundWebhooks } from './outbound-webhooks/webhooks.consumer.js';
import { seedBuiltInRules } from './rules/rules.defaults.js';
import { enqueueTemplateSync, registerTemplateJobs, TEMPLATE_SCHEDULES } from './templates/templates.jobs.js';
import { loadVapidKeys } from './push/push.keys.js';
import { createWebhookFastPath } from './whatsapp/webhook/webhook.fast-path.js';
import { registerRetentionJobs, RETENTION_SCHEDULES } from './retention/retention.jobs.js';
import { BACKUP_SCHEDULES, registerBackupJobs } from './backup/backup.jobs.js';
import { writeServerMarker } from './backup/backup.server-lock.js';
import { backupBeforeMigrating } from './backup/backup.upgrade.js';
import { registerWebhookPurge, WEBHOOK_SCHEDULES } from './outbound-webhooks/webhooks.purge.js';
import { registerRulePurge, RULE_SCHEDULES } from './rules/rules.purge.js';
import { NOTIFICATION_SCHEDULES, registerNotificationJobs } from './notifications/notifications.jobs.js';

// Between full GCs V8 lets the old generation grow to up to 4× what survived the last one when memory
// looks plentiful: under webhook + CRM load the heap reached 110–165 MB for 25–35 MB live, and RSS peaked at
// 240–265 MB (bench/scale, 1 M messages). A fixed 1.6× growth kept the peak at 175–200 MB with no CPU cost
// we could measure. V8 reads the factor at every GC, so setting it here, before any load, takes effect for
// every way the server is launched (npm start, Docker, tests, benchmarks).
setFlagsFromString('--heap-growing-percent=60');

const SHUTDOWN_BUDGET_MS = 10_000;

/** Boot: config → data dir → db → migrate → owner → worker + cron → serve; SIGTERM drains. */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let layout;
  let secretKey: Buffer;
  try {
    layout = prepareDataDir(config.dataDir, { minFreeBytes: config.minFreeDiskMb * 1024 * 1024 });
    secretKey = loadSecretKey(layout, config.secretKey);
  } catch (err) {
    return fail(err instanceof DataDirError ? err.message : `Data directory: ${String(err)}`);
  }

  let db;
  try {
    db = openDb(layout.dbFile);
    // An upgrade: the database as the old version left it is kept before the new one changes it.
    const kept = await backupBeforeMigrating(db, layout.backups, systemClock);
    if (kept) logger.info('backup taken before migrating the database', { backup: kept.name, dir: layout.backups });
    migrateDb(db);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fail(`Database ${layout.dbFile} could not be opened or migrated (${reason}): it must be a SQLite file Parley can write, on a disk with free space; restore it from ${layout.backups} if it is damaged.`);
  }
  // For operator tools (npm run restore): which process serves this data dir. Removed on a clean stop.
  const removeServerMarker = writeServerMarker(layout.root);

  const deps = createDeps({
    config,
    db,
    clock: systemClock,
    logger,
    secretKey,
    mediaDir: layout.media,
    tmpDir: layout.tmp,
    webRoot: join(projectRoot(), 'dist', 'web'),
    vapid: loadVapidKeys(layout.root, `mailto:${config.admin?.email ?? 'owner@parley.invalid'}`),
  });
  // Before the worker and requests touch media: undo what a crash left half done in DATA_DIR/tmp.
  const tidied = await deps.storage.recover?.().catch((err: unknown) => {
    logger.warn('media storage: could not tidy DATA_DIR/tmp after an unclean stop', { err });
    return null;
  });
  if (tidied && tidied.restored + tidied.removed > 0) logger.info('media storage: tidied after an unclean stop', tidied);
  await ensureOwner(deps);
  if (config.whatsapp) deps.channels.upsert({ ...config.whatsapp, name: 'WhatsApp' });
  const loopbackHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  if (config.mode === 'sandbox') {
    deps.sandbox = createSandbox({ channels: deps.channels, baseUrl: `http://${loopbackHost.includes(':') ? `[${loopbackHost}]` : loopbackHost}:${config.port}`, graphVersion: config.graphVersion });
  }
  registerSystemJobs(deps);
  registerRetentionJobs(deps);
  registerBackupJobs(deps);
  registerWhatsAppJobs(deps);
  registerConsentJobs(deps);
  registerCampaignJobs(deps);
  registerTemplateJobs(deps);
  registerEventJobs(deps);
  registerEventPurge(deps);
  seedBuiltInRules(deps.db, deps.clock.now());
  const automation = registerRules(deps);
  registerOutboundWebhooks(deps);
  registerWebhookPurge(deps);
  registerRulePurge(deps);
  registerNotificationJobs(deps);
  enqueueTemplateSync(deps);
  // Fresh planner statistics from the first minutes, not only at the next hourly run.
  deps.jobs.enqueueUnlessQueued('system.optimize', {});
  deps.worker.start();
  const schedules = startSchedules([...SYSTEM_SCHEDULES, ...TEMPLATE_SCHEDULES, ...RETENTION_SCHEDULES, ...BACKUP_SCHEDULES, ...WEBHOOK_SCHEDULES, ...RULE_SCHEDULES, ...NOTIFICATION_SCHEDULES, ...EVENT_SCHEDULES], { store: deps.jobs, logger, onEnqueued: (q) => deps.worker.notify(q) });

  const app = createApp(deps);
  const honoListener = getRequestListener(app.fetch);
  const webhookFastPath = createWebhookFastPath(deps);
  // Live-update streams never end by themselves: shutdown ends them at once (the browser reconnects).
  const liveStreams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/events')) {
      liveStreams.add(res);
      res.once('close', () => liveStreams.delete(res));
    }
    if (!webhookFastPath(req, res)) void honoListener(req, res);
  });
  server.listen(config.port, config.host, () => {
    logger.info('Parley is listening', { url: config.publicUrl, port: config.port, host: config.host, mode: config.mode, dataDir: config.dataDir });
    if (deps.sandbox) {
      logger.info('SANDBOX MODE: no WA_* variables are set, so a built-in simulator plays Meta. Nothing reaches real WhatsApp.', {
        url: config.publicUrl,
      });
      // As Meta does when the callback URL is saved; the setup check then shows the webhook verified.
      verifySandboxWebhook(deps.sandbox, deps.channels).then(
        (ok) => ok || logger.warn('sandbox: the webhook verification handshake failed'),
        (err: unknown) => logger.warn('sandbox: the webhook verification handshake failed', { err }),
      );
      if (!deps.db.select({ id: conversations.id }).from(conversations).limit(1).get()) {
        seedSandboxConversations(deps.sandbox).catch((err: unknown) => logger.warn('sandbox: demo conversations could not be seeded', { err }));
      }
    }
  });
  server.on('error', (err) => fail(`Cannot listen on ${config.host}:${config.port}: ${err.message}`));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    schedules.stop();
    automation.stop();
    deps.sandbox?.simulator.stop();
    // No new connections; idle keep-alive ones close now, requests in flight may finish (a webhook's 200).
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A keep-alive connection whose request was in flight turns idle after its response: close it then,
    // not after keepAliveTimeout (server.close() only closes the ones idle at the time it is called).
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    for (const res of liveStreams) res.destroy();
    // Whatever is still open near the deadline is cut, so the checkpoint and a clean exit fit the budget.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_BUDGET_MS - 2_000).unref();
    await deps.worker.stop({ timeoutMs: SHUTDOWN_BUDGET_MS - 2_000 });
    await closed;
    try {
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      // E.g. a full disk: the WAL keeps every commit and is replayed at the next open; nothing is lost.
      logger.error('shutdown: WAL checkpoint failed; the next start replays the WAL', { err });
    }
    db.$client.close();
    removeServerMarker();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

await main();
