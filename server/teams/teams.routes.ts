import { asc, eq } from 'drizzle-orm';
import { messagingLimit } from '../campaigns/campaigns.limits.js';
import { Hono } from 'hono';
import { z } from 'zod';
import { users } from '../../db/schema/auth.js';
import { teamMembers, teams } from '../../db/schema/teams.js';
import { currentAuth, requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { getSetting, setSetting } from './teams.repository.js';
import { clearTeamBusinessHours } from './teams.hours.js';
import { DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS } from '../consent/consent.models.js';
import { actorOf, recordAudit } from '../audit/audit.js';

const keywordList = z.array(z.string().trim().min(1).max(60)).max(50);
/** WhatsApp numbers (channel ids) whose new conversations the team takes. */
const channelList = z.array(z.string().min(1).max(100)).max(50);
/** SLA targets in minutes (null: no target). */
const minutes = z.number().int().min(1).max(60 * 24 * 90).nullable();
const teamBody = z.object({
  name: z.string().trim().min(1, 'is required').max(80),
  keywords: keywordList.default([]),
  channelIds: channelList.default([]),
  firstResponseMinutes: minutes.default(null),
  resolutionMinutes: minutes.default(null),
});
const teamPatch = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  keywords: keywordList.optional(),
  channelIds: channelList.optional(),
  firstResponseMinutes: minutes.optional(),
  resolutionMinutes: minutes.optional(),
});
const membersBody = z.object({ userIds: z.array(z.string().min(1)).max(500) });
const settingsBody = z
  .object({
    agentsSeeAll: z.boolean().optional(),
    /** ISO country code used to read local phone numbers typed or imported without +country. */
    defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code like US or BR').nullable().optional(),
    /** Workspace SLA targets in minutes, for conversations whose team has none. */
    slaFirstResponseMinutes: minutes.optional(),
    slaResolutionMinutes: minutes.optional(),
    /** Whole-message words that opt a customer out of (or back into) marketing; accents and case are ignored. */
    optOutKeywords: z.array(z.string().trim().min(1).max(40)).min(1).max(100).optional(),
    optInKeywords: z.array(z.string().trim().min(1).max(40)).max(100).optional(),
    /** Sent back after a keyword (null: no reply). */
    optOutConfirmation: z.string().trim().min(1).max(1000).nullable().optional(),
    optInConfirmation: z.string().trim().min(1).max(1000).nullable().optional(),
    /** Opted-out contacts get no utility templates either. */
    utilityNeedsConsent: z.boolean().optional(),
    /** Meta's daily messaging limit of the business portfolio (unique users per 24 h); null = unlimited. Campaigns wait instead of exceeding it. */
    messagingLimit: z.union([z.literal(250), z.literal(2000), z.literal(10000), z.literal(100000), z.null()]).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one setting');

/** Teams (owners/admins manage; everyone lists), members, availability, and the visibility setting. */
export function createTeamsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const teamJson = (t: typeof teams.$inferSelect) => ({
    id: t.id,
    name: t.name,
    keywords: JSON.parse(t.keywords) as string[],
    channelIds: JSON.parse(t.channelIds) as string[],
    sla: { firstResponseMinutes: t.firstResponseMinutes, resolutionMinutes: t.resolutionMinutes },
    memberIds: db.select({ id: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, t.id)).all().map((m) => m.id),
    createdAt: toIso(t.createdAt),
  });
  const readSettings = () => ({
    agentsSeeAll: getSetting(db, 'agentsSeeAll', false),
    defaultRegion: getSetting<string | null>(db, 'defaultRegion', null),
    slaFirstResponseMinutes: getSetting<number | null>(db, 'slaFirstResponseMinutes', null),
    slaResolutionMinutes: getSetting<number | null>(db, 'slaResolutionMinutes', null),
    optOutKeywords: getSetting<string[]>(db, 'optOutKeywords', DEFAULT_OPT_OUT_KEYWORDS),
    optInKeywords: getSetting<string[]>(db, 'optInKeywords', DEFAULT_OPT_IN_KEYWORDS),
    optOutConfirmation: getSetting<string | null>(db, 'optOutConfirmation', null),
    optInConfirmation: getSetting<string | null>(db, 'optInConfirmation', null),
    utilityNeedsConsent: getSetting(db, 'utilityNeedsConsent', false),
    messagingLimit: messagingLimit(db),
  });
  const checkChannels = (ids: string[]) => {
    const known = new Set(deps.channels.all().map((ch) => ch.id));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown) throw badRequest('request.invalid', `channelIds: no such channel ${unknown}`);
    return [...new Set(ids)];
  };
  const find = (id: string) => {
    const t = db.select().from(teams).where(eq(teams.id, id)).get();
    if (!t) throw notFound('teams.not_found', 'No such team.');
    return t;
  };

  return new Hono<AppEnv>()
    .get('/teams', requireAuth, (c) => c.json({ data: db.select().from(teams).orderBy(asc(teams.name)).all().map(teamJson) }))
    .post('/teams', admins, async (c) => {
      const body = await readJson(c, teamBody);
      const row = {
        id: newId('team'),
        name: body.name,
        keywords: JSON.stringify(body.keywords.map((k) => k.toLowerCase())),
        channelIds: JSON.stringify(checkChannels(body.channelIds)),
        lastAssigneeId: null,
        firstResponseMinutes: body.firstResponseMinutes,
        resolutionMinutes: body.resolutionMinutes,
        createdAt: clock.now(),
      };
      if (db.insert(teams).values(row).onConflictDoNothing().run().changes === 0) throw conflict('teams.exists', `A team named ${body.name} exists.`);
      recordAudit(db, actorOf(c.get('auth')), { action: 'team.created', entityType: 'team', entityId: row.id, after: { name: row.name, keywords: body.keywords } }, clock.now());
      return c.json({ data: teamJson(row) }, 201);
    })
    .patch('/teams/:id', admins, async (c) => {
      const team = find(c.req.param('id'));
      const body = await readJson(c, teamPatch);
      if (body.name && body.name !== team.name && db.select({ id: teams.id }).from(teams).where(eq(teams.name, body.name)).get()) {
        throw conflict('teams.exists', `A team named ${body.name} exists.`);
      }
      db.update(teams)
        .set({
          ...(body.name && { name: body.name }),
          ...(body.keywords && { keywords: JSON.stringify(body.keywords.map((k) => k.toLowerCase())) }),
          ...(body.channelIds && { channelIds: JSON.stringify(checkChannels(body.channelIds)) }),
          ...(body.firstResponseMinutes !== undefined && { firstResponseMinutes: body.firstResponseMinutes }),
          ...(body.resolutionMinutes !== undefined && { resolutionMinutes: body.resolutionMinutes }),
        })
        .where(eq(teams.id, team.id))
        .run();
      const before = { name: team.name, keywords: JSON.parse(team.keywords) as string[], channelIds: JSON.parse(team.channelIds) as string[], firstResponseMinutes: team.firstResponseMinutes, resolutionMinutes: team.resolutionMinutes };
      recordAudit(db, actorOf(c.get('auth')), { action: 'team.updated', entityType: 'team', entityId: team.id, before, after: body }, clock.now());
      return c.json({ data: teamJson(find(team.id)) });
    })
    .delete('/teams/:id', admins, (c) => {
      const team = find(c.req.param('id'));
      db.delete(teams).where(eq(teams.id, team.id)).run();
      clearTeamBusinessHours(db, team.id); // no orphaned settings row left behind
      recordAudit(db, actorOf(c.get('auth')), { action: 'team.deleted', entityType: 'team', entityId: team.id, before: { name: team.name } }, clock.now());
      return c.body(null, 204);
    })
    .put('/teams/:id/members', admins, async (c) => {
      const team = find(c.req.param('id'));
      const { userIds } = await readJson(c, membersBody);
      const known = new Set(db.select({ id: users.id }).from(users).all().map((u) => u.id));
      const unknown = userIds.find((id) => !known.has(id));
      if (unknown) throw badRequest('request.invalid', `userIds: no such user ${unknown}`);
      db.$client.transaction(() => {
        db.delete(teamMembers).where(eq(teamMembers.teamId, team.id)).run();
        for (const userId of new Set(userIds)) db.insert(teamMembers).values({ teamId: team.id, userId }).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'team.members_set', entityType: 'team', entityId: team.id, after: { userIds } }, clock.now());
      }).immediate();
      return c.json({ data: teamJson(team) });
    })
    /** An agent going on a break stops receiving round-robin assignments. */
    .patch('/me/availability', requireAuth, async (c) => {
      const { available } = await readJson(c, z.object({ available: z.boolean() }));
      db.update(users).set({ available, updatedAt: clock.now() }).where(eq(users.id, currentAuth(c).user.id)).run();
      return c.json({ data: { available } });
    })
    .get('/settings', admins, (c) => c.json({ data: readSettings() }))
    .patch('/settings', admins, async (c) => {
      const body = await readJson(c, settingsBody);
      for (const [key, value] of Object.entries(body)) if (value !== undefined) setSetting(db, key, value);
      recordAudit(db, actorOf(c.get('auth')), { action: 'settings.updated', entityType: 'settings', entityId: null, after: body }, clock.now());
      return c.json({ data: readSettings() });
    });
}
