import { Hono, type Context } from 'hono';
import { currentAuth, requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../lib/errors.js';
import { readJson, readQuery, validate, type AppEnv } from '../lib/http.js';
import { previewAudience } from './campaigns.audience.js';
import { campaignToJson, getCampaign, listCampaigns, listedCounts, type CampaignRow } from './campaigns.repository.js';
import { campaignReport, recipientLog, recipientsCsv, recipientToJson } from './campaigns.report.js';
import { audiencePreviewBody, createCampaignBody, patchCampaignBody, recipientsQuery, startBody, testSendBody } from './campaigns.schemas.js';
import { campaignTemplateId, changeCampaignState, createCampaign, deleteCampaign, editCampaign, startCampaign, testSendCampaign } from './campaigns.usecases.js';

/**
 * Campaigns: drafts, audience preview, test send, start/schedule, pause/resume/cancel, the report and the
 * per-recipient log. Everyone signed in reads; owners and admins send.
 */
export function createCampaignsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const senders = requireRole('owner', 'admin');
  const find = (c: Context<AppEnv>): CampaignRow => {
    const campaign = getCampaign(db, c.req.param('id')!);
    if (!campaign) throw notFound('campaigns.not_found', 'No such campaign.');
    return campaign;
  };
  const json = (c: CampaignRow) => campaignToJson(db, c, campaignTemplateId(deps, c));
  const published = (c: CampaignRow) => {
    deps.bus.publish({ type: 'campaign.updated', data: { id: c.id, status: c.status } });
    return { data: json(c) };
  };

  return new Hono<AppEnv>()
    .get('/campaigns', requireAuth, (c) => c.json({ data: listCampaigns(db).map((row) => campaignToJson(db, row, campaignTemplateId(deps, row), listedCounts(db, row, clock.now()))) }))
    .post('/campaigns', senders, async (c) => {
      const body = await readJson(c, createCampaignBody);
      return c.json(published(createCampaign(deps, currentAuth(c), body)), 201);
    })
    .post('/campaigns/audience-preview', requireAuth, async (c) => {
      const body = await readJson(c, audiencePreviewBody);
      return c.json({ data: previewAudience(db, body.audience, clock.now()) });
    })
    .get('/campaigns/:id', requireAuth, (c) => c.json({ data: json(find(c)) }))
    .patch('/campaigns/:id', senders, async (c) => {
      const campaign = find(c);
      const body = await readJson(c, patchCampaignBody);
      return c.json(published(editCampaign(deps, currentAuth(c), campaign, body)));
    })
    .delete('/campaigns/:id', senders, (c) => {
      deleteCampaign(deps, currentAuth(c), find(c));
      return c.body(null, 204);
    })
    .get('/campaigns/:id/audience', requireAuth, (c) => {
      const campaign = find(c);
      return c.json({ data: previewAudience(db, JSON.parse(campaign.audience), clock.now()) });
    })
    .post('/campaigns/:id/test-send', senders, async (c) => {
      const campaign = find(c);
      const body = await readJson(c, testSendBody);
      const messages = testSendCampaign(deps, currentAuth(c), campaign, body.to);
      return c.json({ data: { messages, campaign: json(getCampaign(db, campaign.id)!) } }, 202);
    })
    .post('/campaigns/:id/start', senders, async (c) => {
      const campaign = find(c);
      // The body is optional: no body (or `{}`) starts now.
      const raw = (await c.req.text()).trim();
      let parsed: unknown = {};
      try {
        if (raw) parsed = JSON.parse(raw);
      } catch {
        throw badRequest('request.invalid_json', 'The request body must be valid JSON.');
      }
      const body = validate(startBody, parsed);
      const at = body.at ? Date.parse(body.at) : undefined;
      return c.json(published(startCampaign(deps, currentAuth(c), campaign, at)));
    })
    .post('/campaigns/:id/pause', senders, (c) => c.json(published(changeCampaignState(deps, currentAuth(c), find(c), 'pause'))))
    .post('/campaigns/:id/resume', senders, (c) => c.json(published(changeCampaignState(deps, currentAuth(c), find(c), 'resume'))))
    .post('/campaigns/:id/cancel', senders, (c) => c.json(published(changeCampaignState(deps, currentAuth(c), find(c), 'cancel'))))
    .get('/campaigns/:id/report', requireAuth, (c) => c.json({ data: campaignReport(db, find(c), clock.now()) }))
    .get('/campaigns/:id/recipients', requireAuth, (c) => {
      const campaign = find(c);
      const q = readQuery(c, recipientsQuery);
      const after = q.cursor && /^\d+$/.test(q.cursor) ? Number(q.cursor) : undefined;
      const rows = recipientLog(db, campaign, { state: q.state, status: q.status, afterPosition: after, limit: q.limit + 1 });
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit);
      return c.json({ data: items.map(recipientToJson), nextCursor: more ? String(items.at(-1)!.position) : null });
    })
    .get('/campaigns/:id/recipients.csv', senders, (c) => {
      const campaign = find(c);
      const name = campaign.name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'campaign';
      return c.body(recipientsCsv(db, campaign), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-recipients.csv"`,
      });
    });
}
