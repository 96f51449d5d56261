import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { clientIp } from '../lib/client-ip.js';
import { AppError, conflict, notFound, tooManyRequests, unauthorized } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { clearSessionCookie, currentAuth, requireAuth, requireRole, setSessionCookie } from './auth.middleware.js';
import { burnPasswordCheck, verifyPassword } from './auth.passwords.js';
import { createApiTokenBody, loginBody, setupBody } from './auth.schemas.js';
import { hashToken, SESSION_COOKIE } from './auth.sessions.js';
import { userToJson } from './auth.users.js';
import { actorOf, recordAudit } from '../audit/audit.js';

/** Sign-in, sign-out, the current user and personal API tokens. */
export function createAuthRoutes(deps: AppDeps) {
  const { users, sessions, apiTokens, loginLimiter, config } = deps;
  const secure = config.secureCookies;

  return new Hono<AppEnv>()
    .post('/auth/login', async (c) => {
      const body = await readJson(c, loginBody);
      const ip = clientIp(c, config.trustProxy);
      const waitMs = loginLimiter.retryAfterMs(ip, body.email);
      if (waitMs > 0) {
        throw tooManyRequests('auth.too_many_attempts', 'Too many failed sign-ins. Wait a few minutes and try again.', waitMs / 1000);
      }
      const user = users.findByEmail(body.email);
      let ok = false;
      if (user?.passwordHash && user.disabledAt === null) ok = await verifyPassword(user.passwordHash, body.password);
      else await burnPasswordCheck(body.password);
      if (!ok || !user) {
        loginLimiter.recordFailure(ip, body.email);
        // One message for every cause: no hint whether the email exists.
        throw new AppError(401, 'auth.invalid_credentials', 'Email or password is incorrect.');
      }
      loginLimiter.recordSuccess(body.email);
      // Rotation: whatever session this browser held ends here; the new one gets a fresh token.
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous) sessions.invalidate(hashToken(previous));
      const session = sessions.create(user.id, { ip, userAgent: c.req.header('user-agent') });
      setSessionCookie(c, session.token, session.expiresAt, secure);
      return c.json({ data: { user: userToJson(user), expiresAt: toIso(session.expiresAt) } });
    })

    /** First run: with no user at all, the first visitor creates the owner account and is signed in. */
    .post('/auth/setup', async (c) => {
      const body = await readJson(c, setupBody);
      const user = await users.createFirstOwner(body);
      if (!user) throw conflict('auth.already_set_up', 'Parley already has an owner. Sign in instead.');
      const session = sessions.create(user.id, { ip: clientIp(c, config.trustProxy), userAgent: c.req.header('user-agent') });
      setSessionCookie(c, session.token, session.expiresAt, secure);
      deps.logger.info('owner account created at first run', { email: user.email });
      return c.json({ data: { user: userToJson(user), expiresAt: toIso(session.expiresAt) } }, 201);
    })

    .post('/auth/logout', (c) => {
      const sessionId = c.get('auth')?.sessionId;
      if (sessionId) sessions.invalidate(sessionId);
      clearSessionCookie(c, secure);
      return c.body(null, 204);
    })

    .get('/me', requireAuth, (c) => {
      const auth = currentAuth(c);
      const user = users.findById(auth.user.id);
      if (!user) throw unauthorized();
      return c.json({ data: { ...userToJson(user), authenticatedVia: auth.via } });
    })

    .get('/api-tokens', requireRole('owner', 'admin'), (c) => c.json({ data: apiTokens.list(currentAuth(c).user.id) }))

    .post('/api-tokens', requireRole('owner', 'admin'), async (c) => {
      const body = await readJson(c, createApiTokenBody);
      const expiresAt = body.expiresAt ? Date.parse(body.expiresAt) : null;
      if (expiresAt !== null && expiresAt <= deps.clock.now()) {
        throw new AppError(400, 'request.invalid', 'expiresAt: must be in the future');
      }
      const created = apiTokens.create(currentAuth(c).user.id, { name: body.name, expiresAt });
      recordAudit(deps.db, actorOf(c.get('auth')), { action: 'api_token.created', entityType: 'api_token', entityId: created.id, after: { name: created.name } }, deps.clock.now());
      return c.json({ data: created }, 201);
    })

    .delete('/api-tokens/:id', requireRole('owner', 'admin'), (c) => {
      if (!apiTokens.revoke(currentAuth(c).user.id, c.req.param('id'))) {
        throw notFound('api_tokens.not_found', 'No such API token.');
      }
      recordAudit(deps.db, actorOf(c.get('auth')), { action: 'api_token.revoked', entityType: 'api_token', entityId: c.req.param('id') }, deps.clock.now());
      return c.body(null, 204);
    });
}
