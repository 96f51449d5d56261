import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authenticate, csrfGuard } from './auth/auth.middleware.js';
import { createAuthRoutes } from './auth/auth.routes.js';
import { createUsersRoutes } from './auth/users.routes.js';
import { createInvitationsRoutes } from './auth/invitations.routes.js';
import type { AppDeps } from './deps.js';
import { createJobsRoutes } from './jobs/jobs.routes.js';
import { AppError, errorBody } from './lib/errors.js';
import type { AppEnv } from './lib/http.js';
import { createProbeRoutes, createSystemRoutes } from './system/system.routes.js';
import { createChannelsRoutes } from './channels/channels.routes.js';
import { createContactsRoutes } from './contacts/contacts.routes.js';
import { createContactsEditRoutes } from './contacts/contacts-edit.routes.js';
import { CONTACTS_IMPORT_BODY_LIMIT, createContactsImportRoutes } from './contacts/contacts-import.routes.js';
import { createInboxRoutes } from './inbox/inbox.routes.js';
import { createEventsRoutes } from './inbox/events.routes.js';
import { createPushRoutes } from './push/push.routes.js';
import { createCannedRepliesRoutes } from './inbox/canned-replies.routes.js';
import { createTeamsRoutes } from './teams/teams.routes.js';
import { createBusinessHoursRoutes } from './teams/teams.hours.routes.js';
import { createNotificationsRoutes } from './notifications/notifications.routes.js';
import { createTasksRoutes } from './tasks/tasks.routes.js';
import { createPipelinesRoutes } from './pipelines/pipelines.routes.js';
import { createDealsRoutes } from './pipelines/deals.routes.js';
import { createAuditRoutes } from './audit/audit.routes.js';
import { createCustomFieldsRoutes } from './custom-fields/custom-fields.routes.js';
import { createConsentRoutes } from './consent/consent.routes.js';
import { createConversationActionsRoutes } from './inbox/conversation-actions.routes.js';
import { createManagerRoutes } from './inbox/manager.routes.js';
import { createReportsRoutes } from './reports/reports.routes.js';
import { createTemplatesRoutes } from './templates/templates.routes.js';
import { createCampaignsRoutes } from './campaigns/campaigns.routes.js';
import { createRulesRoutes } from './rules/rules.routes.js';
import { createWebhooksRoutes } from './outbound-webhooks/webhooks.routes.js';
import { createMediaRoutes, MEDIA_UPLOAD_LIMIT } from './media/media.routes.js';
import { createSandboxRoutes } from './whatsapp/sandbox/sandbox.routes.js';
import { createWebhookRoutes } from './whatsapp/webhook/webhook.routes.js';
import { createMetricsRoutes } from './metrics/metrics.routes.js';
import { createRetentionRoutes } from './retention/retention.routes.js';
import { createBackupRoutes } from './backup/backup.routes.js';

/** JSON API bodies; webhooks (up to 3 MB from Meta) and media uploads set their own limits. */
export const API_BODY_LIMIT = 1024 * 1024;

/** Builds the whole HTTP surface from explicit dependencies (tests call `app.request()` on it). */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('logger', deps.logger.child({ requestId: c.get('requestId') }));
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const level = c.res.status >= 500 ? 'error' : 'debug';
    deps.logger[level]('request', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms });
  });

  app.onError((err, c) => {
    if (err instanceof AppError) return c.json(errorBody(err.code, err.message), err.status, err.headers);
    if (err instanceof HTTPException && err.status < 500) {
      return c.json(errorBody('request.rejected', err.message || 'Request rejected.'), err.status as ContentfulStatusCode);
    }
    (c.get('logger') ?? deps.logger).error('unhandled error', { err, method: c.req.method, path: c.req.path });
    return c.json(errorBody('internal.error', `Something went wrong on our side (request ${c.get('requestId')}).`), 500);
  });

  app.route('/', createProbeRoutes(deps));
  app.route('/', createWebhookRoutes(deps));
  app.route('/', createMetricsRoutes(deps));
  if (deps.sandbox) app.route('/sandbox/graph', deps.sandbox.simulator.app);

  const api = new Hono<AppEnv>();
  const limitTo = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => c.json(errorBody('request.too_large', `The request body is over ${Math.round(maxSize / 1024)} KB.`), 413) });
  const jsonLimit = limitTo(API_BODY_LIMIT);
  const uploadLimit = limitTo(MEDIA_UPLOAD_LIMIT);
  const importLimit = limitTo(CONTACTS_IMPORT_BODY_LIMIT);
  api.use((c, next) => (c.req.method === 'POST' && c.req.path === '/api/v1/media' ? uploadLimit(c, next) : c.req.method === 'POST' && c.req.path === '/api/v1/contacts/import' ? importLimit(c, next) : jsonLimit(c, next)));
  api.use(csrfGuard(deps.config.publicUrl));
  api.use(authenticate(deps));
  api.route('/', createSystemRoutes(deps));
  api.route('/', createAuthRoutes(deps));
  api.route('/', createUsersRoutes(deps));
  api.route('/', createInvitationsRoutes(deps));
  api.route('/', createJobsRoutes(deps));
  api.route('/', createChannelsRoutes(deps));
  api.route('/', createContactsImportRoutes(deps)); // before the contact routes: /contacts/export is not an id
  api.route('/', createContactsRoutes(deps));
  api.route('/', createContactsEditRoutes(deps));
  api.route('/', createInboxRoutes(deps));
  api.route('/', createConversationActionsRoutes(deps));
  api.route('/', createManagerRoutes(deps));
  api.route('/', createReportsRoutes(deps));
  api.route('/', createTemplatesRoutes(deps));
  api.route('/', createCampaignsRoutes(deps));
  api.route('/', createRulesRoutes(deps));
  api.route('/', createWebhooksRoutes(deps));
  api.route('/', createMediaRoutes(deps));
  api.route('/', createEventsRoutes(deps));
  api.route('/', createPushRoutes(deps));
  api.route('/', createCannedRepliesRoutes(deps));
  api.route('/', createTeamsRoutes(deps));
  api.route('/', createBusinessHoursRoutes(deps));
  api.route('/', createNotificationsRoutes(deps));
  api.route('/', createRetentionRoutes(deps));
  api.route('/', createBackupRoutes(deps));
  api.route('/', createTasksRoutes(deps));
  api.route('/', createPipelinesRoutes(deps));
  api.route('/', createDealsRoutes(deps));
  api.route('/', createAuditRoutes(deps));
  api.route('/', createCustomFieldsRoutes(deps));
  api.route('/', createConsentRoutes(deps));
  if (deps.sandbox) api.route('/', createSandboxRoutes(deps.sandbox));
  app.route('/api/v1', api);

  const jsonNotFound = (c: Context) => c.json(errorBody('route.not_found', `No route for ${c.req.method} ${c.req.path}.`), 404);
  app.all('/api/*', jsonNotFound);
  app.all('/webhooks/*', jsonNotFound);

  if (deps.webRoot && existsSync(join(deps.webRoot, 'index.html'))) mountWebApp(app, deps.webRoot);
  app.notFound(jsonNotFound);
  return app;
}

/** Serves the built SolidJS app: hashed assets cached for a year, any other page path → index.html. */
function mountWebApp(app: Hono<AppEnv>, root: string) {
  const cacheFor = (value: string): MiddlewareHandler => async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', value);
  };
  app.use('/assets/*', cacheFor('public, max-age=31536000, immutable'), serveStatic({ root, precompressed: true }));
  app.use('*', cacheFor('no-cache'), serveStatic({ root }));
  // SPA fallback for client routes; a missing file with an extension stays a 404.
  const indexHtml = serveStatic<AppEnv>({ root, path: 'index.html' });
  app.get('*', cacheFor('no-cache'), (c, next) => (/\.[a-z0-9]+$/i.test(c.req.path) ? next() : indexHtml(c, next)));
}
