import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations, users, type UserRole } from '../../db/schema/auth.js';
import type { Clock } from '../lib/clock.js';
import { toIso } from '../lib/clock.js';
import { conflict } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { hashPassword } from './auth.passwords.js';

export type UserRow = typeof users.$inferSelect;

/** A user as the API shows it (never the password hash). */
export function userToJson(u: Pick<UserRow, 'id' | 'email' | 'name' | 'role'> & Partial<Pick<UserRow, 'createdAt' | 'disabledAt'>>) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: toIso(u.createdAt),
    disabled: u.disabledAt != null,
  };
}

export type UserStore = ReturnType<typeof createUserStore>;

/** Users: owners, admins and agents. Emails are stored lower-cased and unique. */
export function createUserStore(db: Db, clock: Clock) {
  return {
    findByEmail(email: string): UserRow | null {
      return db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get() ?? null;
    },

    findById(id: string): UserRow | null {
      return db.select().from(users).where(eq(users.id, id)).get() ?? null;
    },

    /** Creates a user; 409 `users.email_taken` when the email exists. */
    async create(input: { email: string; name?: string; role: UserRole; password: string | null }): Promise<UserRow> {
      const email = input.email.trim().toLowerCase();
      const passwordHash = input.password === null ? null : await hashPassword(input.password);
      const now = clock.now();
      const row: UserRow = {
        id: newId('usr'),
        email,
        name: input.name?.trim() || email.split('@')[0]!,
        role: input.role,
        passwordHash,
        available: true,
        disabledAt: null,
        createdAt: now,
        updatedAt: now,
      };
      const inserted = db.insert(users).values(row).onConflictDoNothing().run();
      if (inserted.changes === 0) throw conflict('users.email_taken', `A user with email ${email} already exists.`);
      return row;
    },

    /**
     * First-run setup: creates the owner only while no user exists. The check and the insert run in one
     * synchronous step after hashing, so two racing setups cannot both succeed.
     */
    async createFirstOwner(input: { email: string; name?: string; password: string }): Promise<UserRow | null> {
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      const email = input.email.trim().toLowerCase();
      const row: UserRow = { id: newId('usr'), email, name: input.name?.trim() || email.split('@')[0]!, role: 'owner', passwordHash, available: true, disabledAt: null, createdAt: now, updatedAt: now };
      return db.$client.transaction(() => {
        if (this.count() > 0) return null;
        db.insert(users).values(row).run();
        return row;
      }).immediate();
    },

    /**
     * Creates a user from an invitation: the password is hashed first, then claiming the invitation and
     * inserting the user happen in one synchronous transaction, so a revoked, expired or already used
     * invitation can never yield an account. Returns null when the invitation was not claimable.
     */
    async createFromInvitation(invitationId: string, input: { email: string; name: string; role: UserRole; password: string }): Promise<UserRow | null> {
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      const row: UserRow = { id: newId('usr'), email: input.email, name: input.name, role: input.role, passwordHash, available: true, disabledAt: null, createdAt: now, updatedAt: now };
      return db.$client.transaction(() => {
        const claimed = db
          .update(invitations)
          .set({ acceptedAt: now })
          .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)))
          .run();
        if (claimed.changes !== 1) return null;
        if (db.insert(users).values(row).onConflictDoNothing().run().changes === 0) throw conflict('users.email_taken', `A user with email ${input.email} already exists.`);
        return row;
      }).immediate();
    },

    async setPassword(userId: string, password: string): Promise<void> {
      const passwordHash = await hashPassword(password);
      db.update(users).set({ passwordHash, updatedAt: clock.now() }).where(eq(users.id, userId)).run();
    },

    list(): UserRow[] {
      return db.select().from(users).orderBy(asc(users.createdAt)).all();
    },

    count(): number {
      return db.select({ n: sql<number>`count(*)` }).from(users).get()!.n;
    },
  };
}
