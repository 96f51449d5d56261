import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { UserRole } from '../../db/schema/auth.js';
import type { AppDeps } from '../deps.js';
import { forbidden, unauthorized } from '../lib/errors.js';
import type { AppEnv, AuthInfo } from '../lib/http.js';
import { SESSION_COOKIE } from './auth.sessions.js';

/** Writes the session cookie: HttpOnly, SameSite=Lax, Secure when served over https. */
export function setSessionCookie(c: Context, token: string, expiresAt: number, secure: boolean) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context, secure: boolean) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
}

function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : '';
}

/**
 * Resolves who is calling: `Authorization: Bearer <api token>` first, else the session cookie.
 * A wrong bearer token is refused at once (the caller asked to be someone); a stale cookie is cleared.
 */
export function authenticate(deps: Pick<AppDeps, 'sessions' | 'apiTokens' | 'config'>): MiddlewareHandler<AppEnv> {
  const secure = deps.config.secureCookies;
  return async (c, next) => {
    let auth: AuthInfo | null = null;
    const bearer = bearerToken(c);
    if (bearer !== null) {
      auth = bearer ? deps.apiTokens.validate(bearer) : null;
      if (!auth) throw unauthorized('The API token is invalid, expired or revoked.');
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        const result = deps.sessions.validate(token);
        if (result) {
          auth = result.auth;
          if (result.renewed) setSessionCookie(c, token, result.expiresAt, secure);
        } else clearSessionCookie(c, secure);
      }
    }
    c.set('auth', auth);
    await next();
  };
}

/** 401 unless signed in. */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('auth')) throw unauthorized();
  await next();
};

/** 403 unless the caller has one of `roles` (401 when not signed in at all). */
export function requireRole(...roles: UserRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth');
    if (!auth) throw unauthorized();
    if (!roles.includes(auth.user.role)) {
      throw forbidden('auth.forbidden', `This needs the ${roles.join(' or ')} role.`);
    }
    await next();
  };
}

/** The signed-in caller (after requireAuth). */
export function currentAuth(c: Context<AppEnv>): AuthInfo {
  const auth = c.get('auth');
  if (!auth) throw unauthorized();
  return auth;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie sessions (Lucia's recipe): a state-changing request that carries the session
 * cookie, or that signs in, must come with an Origin of this site. Bearer-token calls carry no ambient
 * credentials and are exempt; so is a cookie-less call without Origin (curl, scripts).
 */
export function csrfGuard(publicUrl: string): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(publicUrl).origin;
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || bearerToken(c) !== null) return next();
    const origin = c.req.header('origin');
    const hasCookie = getCookie(c, SESSION_COOKIE) !== undefined;
    if (!origin && !hasCookie) return next();
    const allowed = origin === publicOrigin || origin === new URL(c.req.url).origin;
    if (!allowed) {
      throw forbidden('auth.csrf_rejected', 'Cross-site request refused: the Origin header does not match this site.');
    }
    await next();
  };
}
