import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, users } from '../../db/schema/auth.js';
import type { Clock } from '../lib/clock.js';
import { newSecretToken } from '../lib/ids.js';
import type { AuthInfo } from '../lib/http.js';

const DAY = 24 * 60 * 60 * 1000;
/** Sessions live 30 days and slide: used within their last 15 days, they get 30 more. */
export const SESSION_TTL_MS = 30 * DAY;
const RENEW_WITHIN_MS = 15 * DAY;

export const SESSION_COOKIE = 'parley_session';

/** sha256 of a token, hex: what is stored for sessions and API tokens. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** The Lucia session recipe: random token to the client, its hash as the row id. */
export function createSessionStore(db: Db, clock: Clock) {
  const findById = db
    .select({
      id: sessions.id,
      expiresAt: sessions.expiresAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();

  return {
    /** Starts a session; the token goes in the cookie and is never stored. */
    create(userId: string, meta: { ip?: string | null; userAgent?: string | null } = {}) {
      const token = newSecretToken();
      const now = clock.now();
      const expiresAt = now + SESSION_TTL_MS;
      db.insert(sessions)
        .values({ id: hashToken(token), userId, expiresAt, createdAt: now, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null })
        .run();
      return { token, expiresAt };
    },

    /** The session's user, or null when unknown, expired or the user is disabled; extends it when due. */
    validate(token: string): { auth: AuthInfo; expiresAt: number; renewed: boolean } | null {
      const id = hashToken(token);
      const row = findById.get({ id });
      if (!row) return null;
      const now = clock.now();
      if (now >= row.expiresAt || row.user.disabledAt !== null) {
        db.delete(sessions).where(eq(sessions.id, id)).run();
        return null;
      }
      let expiresAt = row.expiresAt;
      const renewed = expiresAt - now < RENEW_WITHIN_MS;
      if (renewed) {
        expiresAt = now + SESSION_TTL_MS;
        db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id)).run();
      }
      const { disabledAt: _, ...user } = row.user;
      return { auth: { user, via: 'session', sessionId: id, tokenId: null }, expiresAt, renewed };
    },

    invalidate(sessionId: string): void {
      db.delete(sessions).where(eq(sessions.id, sessionId)).run();
    },

    /** Signs a user out everywhere (password reset, disabling). */
    invalidateAllForUser(userId: string): void {
      db.delete(sessions).where(eq(sessions.userId, userId)).run();
    },

    /** Removes expired rows; run by a scheduled job. */
    purgeExpired(): number {
      return db.delete(sessions).where(lt(sessions.expiresAt, clock.now())).run().changes;
    },
  };
}
