import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { invitations, USER_ROLES } from '../../db/schema/auth.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { conflict, notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId, newSecretToken } from '../lib/ids.js';
import { clientIp } from '../lib/client-ip.js';
import { currentAuth, requireRole, setSessionCookie } from './auth.middleware.js';
import { passwordSchema } from './auth.schemas.js';
import { hashToken } from './auth.sessions.js';
import { userToJson } from './auth.users.js';
import { actorOf, recordAudit } from '../audit/audit.js';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const inviteBody = z.object({ email: z.email('must be an email address').max(320), role: z.enum(USER_ROLES.filter((r) => r !== 'owner') as ['admin', 'agent']) });
const acceptBody = z.object({ name: z.string().trim().min(1, 'is required').max(200), password: passwordSchema });

/**
 * Invitations: an owner or admin creates a link (shown once, valid 7 days) and shares it; the teammate
 * opens it, picks a name and password, and is signed in. No mail server needed.
 */
export function createInvitationsRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const live = (token: string) => {
    const row = db
      .select()
      .from(invitations)
      .where(and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, clock.now())))
      .get();
    if (!row) throw notFound('invitations.not_found', 'This invitation link is invalid, used or expired. Ask for a new one.');
    return row;
  };
  const toJson = (r: typeof invitations.$inferSelect) => ({ id: r.id, email: r.email, role: r.role, createdAt: toIso(r.createdAt), expiresAt: toIso(r.expiresAt), acceptedAt: toIso(r.acceptedAt) });

  return new Hono<AppEnv>()
    .get('/invitations', admins, (c) => c.json({ data: db.select().from(invitations).where(isNull(invitations.acceptedAt)).orderBy(desc(invitations.createdAt)).all().map(toJson) }))
    .post('/invitations', admins, async (c) => {
      const body = await readJson(c, inviteBody);
      const email = body.email.toLowerCase();
      if (deps.users.findByEmail(email)) throw conflict('users.email_taken', `${email} is already a member.`);
      const token = newSecretToken();
      const now = clock.now();
      const row = { id: newId('inv'), email, role: body.role, tokenHash: hashToken(token), invitedBy: currentAuth(c).user.id, createdAt: now, expiresAt: now + INVITATION_TTL_MS, acceptedAt: null };
      db.insert(invitations).values(row).run();
      recordAudit(db, actorOf(c.get('auth')), { action: 'invitation.created', entityType: 'invitation', entityId: row.id, after: { email, role: body.role } }, now);
      return c.json({ data: { ...toJson(row), url: `${deps.config.publicUrl}/invite/${token}` } }, 201);
    })
    .delete('/invitations/:id', admins, (c) => {
      if (db.delete(invitations).where(eq(invitations.id, c.req.param('id'))).run().changes === 0) throw notFound('invitations.not_found', 'No such invitation.');
      return c.body(null, 204);
    })
    // Public: the invitee's page reads who the link is for, then accepts it.
    .get('/invitations/by-token/:token', (c) => {
      const row = live(c.req.param('token'));
      return c.json({ data: { email: row.email, role: row.role, expiresAt: toIso(row.expiresAt) } });
    })
    .post('/invitations/by-token/:token/accept', async (c) => {
      const row = live(c.req.param('token'));
      const body = await readJson(c, acceptBody);
      const user = await deps.users.createFromInvitation(row.id, { email: row.email, name: body.name, role: row.role, password: body.password });
      if (!user) throw notFound('invitations.not_found', 'This invitation link is invalid, used or expired. Ask for a new one.');
      recordAudit(db, { kind: 'user', id: user.id }, { action: 'invitation.accepted', entityType: 'user', entityId: user.id, after: { email: user.email, role: user.role, invitationId: row.id } }, clock.now());
      const session = deps.sessions.create(user.id, { ip: clientIp(c, deps.config.trustProxy), userAgent: c.req.header('user-agent') });
      setSessionCookie(c, session.token, session.expiresAt, deps.config.secureCookies);
      return c.json({ data: { user: userToJson(user) } }, 201);
    });
}
