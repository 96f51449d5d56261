import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { join } from 'node:path';
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
import { createSandbox, seedSandboxConversations } from './whatsapp/sandbox/sandbox.js';
import { registerWhatsAppJobs } from './whatsapp/whatsapp.jobs.js';
import { registerConsentJobs } from './consent/consent.jobs.js';
import { registerCampaignJobs } from './campaigns/campaigns.jobs.js';
import { registerEventJobs } from './events/events.jobs.js';
import { registerRules } from './rules/rules.jobs.js';
import { registerOutboundWebhooks } from './outbound-webhooks/webhooks.consumer.js';
import { seedBuiltInRules } from './rules/rules.defaults.js';
import { enqueueTemplateSync, registerTemplateJobs, TEMPLATE_SCHEDULES } from './templates/templates.jobs.js';
import { loadVapidKeys } from './push/push.keys.js';
import { createWebhookFastPath } from './whatsapp/webhook/webhook.fast-path.js';

const SHUTDOWN_BUDGET_MS = 10_000;

/** Boot: config → data dir → db → migrate → owner → worker + cron → serve; SIGTERM drains. */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let layout;
  let secretKey: Buffer;
  try {
    layout = prepareDataDir(config.dataDir);
    secretKey = loadSecretKey(layout, config.secretKey);
  } catch (err) {
    return fail(err instanceof DataDirError ? err.message : `Data directory: ${String(err)}`);
  }

  let db;
  try {
    db = openDb(layout.dbFile);
    migrateDb(db);
  } catch (err) {
    return fail(`Database ${layout.dbFile} could not be opened or migrated: ${err instanceof Error ? err.message : String(err)}`);
  }

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
  await ensureOwner(deps);
  if (config.whatsapp) deps.channels.upsert({ ...config.whatsapp, name: 'WhatsApp' });
  const loopbackHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  if (config.mode === 'sandbox') {
    deps.sandbox = createSandbox({ channels: deps.channels, baseUrl: `http://${loopbackHost.includes(':') ? `[${loopbackHost}]` : loopbackHost}:${config.port}`, graphVersion: config.graphVersion });
  }
  registerSystemJobs(deps);
  registerWhatsAppJobs(deps);
  registerConsentJobs(deps);
  registerCampaignJobs(deps);
  registerTemplateJobs(deps);
  registerEventJobs(deps);
  seedBuiltInRules(deps.db, deps.clock.now());
  const automation = registerRules(deps);
  registerOutboundWebhooks(deps);
  enqueueTemplateSync(deps);
  deps.worker.start();
  const schedules = startSchedules([...SYSTEM_SCHEDULES, ...TEMPLATE_SCHEDULES], { store: deps.jobs, logger, onEnqueued: (q) => deps.worker.notify(q) });

  const app = createApp(deps);
  const honoListener = getRequestListener(app.fetch);
  const webhookFastPath = createWebhookFastPath(deps);
  const server = createServer((req, res) => {
    if (!webhookFastPath(req, res)) void honoListener(req, res);
  });
  server.listen(config.port, config.host, () => {
    logger.info('Parley is listening', { url: config.publicUrl, port: config.port, host: config.host, mode: config.mode, dataDir: config.dataDir });
    if (deps.sandbox) {
      logger.info('SANDBOX MODE: no WA_* variables are set, so a built-in simulator plays Meta. Nothing reaches real WhatsApp.', {
        url: config.publicUrl,
      });
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
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Live-update streams never end by themselves.
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
    await deps.worker.stop({ timeoutMs: SHUTDOWN_BUDGET_MS - 2_000 });
    await closed;
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.close();
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
