import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, users } from '../../db/schema/auth.js';
import type { Clock } from '../lib/clock.js';
import { newId, newSecretToken } from '../lib/ids.js';
import type { AuthInfo } from '../lib/http.js';
import { toIso } from '../lib/clock.js';
import { hashToken } from './auth.sessions.js';

const TOKEN_PREFIX = 'pk_';
// Writing last_used_at on every request would turn reads into writes; a minute's precision is enough.
const LAST_USED_PRECISION_MS = 60_000;

export type ApiTokenStore = ReturnType<typeof createApiTokenStore>;

/** Personal API tokens (`Authorization: Bearer pk_…`), acting as the user who made them. */
export function createApiTokenStore(db: Db, clock: Clock) {
  const toJson = (t: typeof apiTokens.$inferSelect) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: toIso(t.createdAt),
    lastUsedAt: toIso(t.lastUsedAt),
    expiresAt: toIso(t.expiresAt),
  });

  return {
    /** Creates a token; the plain value is in the result and nowhere else, ever. */
    create(userId: string, input: { name: string; expiresAt?: number | null }) {
      const token = TOKEN_PREFIX + newSecretToken();
      const row = {
        id: newId('tok'),
        userId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 8),
        createdAt: clock.now(),
        expiresAt: input.expiresAt ?? null,
      };
      db.insert(apiTokens).values(row).run();
      return { token, ...toJson({ ...row, lastUsedAt: null, revokedAt: null }) };
    },

    /** The token's user, or null when unknown, revoked, expired or the user is disabled. */
    validate(token: string): AuthInfo | null {
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const row = db
        .select({ token: apiTokens, user: { id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt } })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(eq(apiTokens.tokenHash, hashToken(token)))
        .get();
      const now = clock.now();
      if (!row || row.token.revokedAt !== null || row.user.disabledAt !== null) return null;
      if (row.token.expiresAt !== null && row.token.expiresAt <= now) return null;
      if (row.token.lastUsedAt === null || now - row.token.lastUsedAt > LAST_USED_PRECISION_MS) {
        db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)).run();
      }
      const { disabledAt: _, ...user } = row.user;
      return { user, via: 'token', sessionId: null, tokenId: row.token.id };
    },

    /** A user's live tokens, newest first (never the secret). */
    list(userId: string) {
      return db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
        .orderBy(desc(apiTokens.createdAt))
        .all()
        .map(toJson);
    },

    /** Revokes one of the user's tokens; false when there is no such live token. */
    revoke(userId: string, id: string): boolean {
      return (
        db
          .update(apiTokens)
          .set({ revokedAt: clock.now() })
          .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
          .run().changes === 1
      );
    },
  };
}
