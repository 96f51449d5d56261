import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { inTransaction } from '../../db/client.js';
import { teams } from '../../db/schema/teams.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { businessHoursBody } from './teams.hours.models.js';
import { businessHoursView, clearTeamBusinessHours, effectiveBusinessHours, readBusinessHours, saveBusinessHours } from './teams.hours.js';

/**
 * Business hours (owners and admins): `GET/PUT /settings/business-hours` for the workspace, and
 * `GET/PUT/DELETE /teams/:id/business-hours` for a team's own (DELETE: the team follows the workspace's).
 * Rules read them for the "business hours are open/closed" condition. Every change is audited.
 */
export function createBusinessHoursRoutes(deps: Pick<AppDeps, 'db' | 'clock'>) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const findTeam = (id: string) => {
    const team = db.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).get();
    if (!team) throw notFound('teams.not_found', 'No such team.');
    return team.id;
  };
  const teamView = (teamId: string) => {
    const own = readBusinessHours(db, teamId);
    const effective = effectiveBusinessHours(db, teamId);
    return { teamId, followsWorkspace: own === null, ...businessHoursView(own, clock.now()), effective: businessHoursView(effective, clock.now()) };
  };

  return new Hono<AppEnv>()
    .get('/settings/business-hours', admins, (c) => c.json({ data: businessHoursView(readBusinessHours(db, null), clock.now()) }))
    .put('/settings/business-hours', admins, async (c) => {
      const body = await readJson(c, businessHoursBody);
      inTransaction(db, () => {
        const before = readBusinessHours(db, null);
        saveBusinessHours(db, null, body);
        recordAudit(db, actorOf(c.get('auth')), { action: 'settings.updated', entityType: 'settings', entityId: 'businessHours', before: before ?? undefined, after: body }, clock.now());
      });
      return c.json({ data: businessHoursView(body, clock.now()) });
    })
    .get('/teams/:id/business-hours', admins, (c) => c.json({ data: teamView(findTeam(c.req.param('id'))) }))
    .put('/teams/:id/business-hours', admins, async (c) => {
      const teamId = findTeam(c.req.param('id'));
      const body = await readJson(c, businessHoursBody);
      inTransaction(db, () => {
        const before = readBusinessHours(db, teamId);
        saveBusinessHours(db, teamId, body);
        recordAudit(db, actorOf(c.get('auth')), { action: 'team.business_hours_set', entityType: 'team', entityId: teamId, before: before ?? undefined, after: body }, clock.now());
      });
      return c.json({ data: teamView(teamId) });
    })
    .delete('/teams/:id/business-hours', admins, (c) => {
      const teamId = findTeam(c.req.param('id'));
      inTransaction(db, () => {
        const before = readBusinessHours(db, teamId);
        if (clearTeamBusinessHours(db, teamId)) recordAudit(db, actorOf(c.get('auth')), { action: 'team.business_hours_cleared', entityType: 'team', entityId: teamId, before: before ?? undefined }, clock.now());
      });
      return c.json({ data: teamView(teamId) });
    });
}
