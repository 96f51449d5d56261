import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/auth.js';
import { conversations } from '../../db/schema/inbox.js';
import { settings, teamMembers, teams } from '../../db/schema/teams.js';
import type { AuthInfo } from '../lib/http.js';
import { matchesKeyword, nextRoundRobin } from './teams.models.js';
import type { SlaTargets } from '../inbox/sla.models.js';

export type TeamRow = typeof teams.$inferSelect;

export function teamIdsOf(db: Db, userId: string): string[] {
  return db.select({ id: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, userId)).all().map((r) => r.id);
}

export function getSetting<T>(db: Db, key: string, fallback: T): T {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  return row ? (JSON.parse(row.value) as T) : fallback;
}

export function setSetting(db: Db, key: string, value: unknown): void {
  db.insert(settings).values({ key, value: JSON.stringify(value) }).onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value) } }).run();
}

/** The workspace's default SLA targets (for conversations without a team, or a team without its own). */
export function defaultSlaTargets(db: Db): SlaTargets {
  return { firstResponseMinutes: getSetting<number | null>(db, 'slaFirstResponseMinutes', null), resolutionMinutes: getSetting<number | null>(db, 'slaResolutionMinutes', null) };
}

/** SLA targets by team id: the team's own, else the workspace default (read once per request). */
export function slaTargetsLookup(db: Db): (teamId: string | null) => SlaTargets {
  const fallback = defaultSlaTargets(db);
  const byTeam = new Map(db.select({ id: teams.id, fr: teams.firstResponseMinutes, res: teams.resolutionMinutes }).from(teams).all().map((t) => [t.id, t]));
  return (teamId) => {
    const t = teamId ? byTeam.get(teamId) : undefined;
    return { firstResponseMinutes: t?.fr ?? fallback.firstResponseMinutes, resolutionMinutes: t?.res ?? fallback.resolutionMinutes };
  };
}

/**
 * Who may see a conversation: owners and admins see all; agents see what is assigned to them, what
 * belongs to one of their teams, and the shared queue (no team, no assignee) — or everything when the
 * `agentsSeeAll` setting is on. Returns null for "no restriction".
 */
export function conversationScope(db: Db, auth: AuthInfo): { userId: string; teamIds: string[] } | null {
  if (auth.user.role !== 'agent' || getSetting(db, 'agentsSeeAll', false)) return null;
  return { userId: auth.user.id, teamIds: teamIdsOf(db, auth.user.id) };
}

export function canSee(scope: ReturnType<typeof conversationScope>, c: { assigneeId: string | null; teamId: string | null }): boolean {
  if (!scope) return true;
  if (c.assigneeId === scope.userId) return true;
  if (c.teamId && scope.teamIds.includes(c.teamId)) return true;
  return c.assigneeId === null && c.teamId === null;
}

/**
 * Routing for a new conversation: back to the contact's owner if they are active; otherwise the first
 * team whose keyword appears in the first message, then round-robin among that team's available members;
 * otherwise the unassigned queue. Runs inside the caller's transaction. Returns what was decided.
 */
export function routeNewConversation(db: Db, input: { conversationId: string; ownerId: string | null; text: string | null }) {
  const active = (ids: string[]) =>
    ids.length ? db.select({ id: users.id, available: users.available }).from(users).where(and(inArray(users.id, ids), isNull(users.disabledAt))).all() : [];
  let assigneeId: string | null = null;
  let teamId: string | null = null;
  let reason = 'unassigned';
  if (input.ownerId && active([input.ownerId]).length) {
    assigneeId = input.ownerId;
    reason = 'contact owner';
  } else if (input.text) {
    for (const team of db.select().from(teams).orderBy(asc(teams.createdAt)).all()) {
      const keywords = JSON.parse(team.keywords) as string[];
      if (!keywords.some((k) => matchesKeyword(input.text!, k))) continue;
      teamId = team.id;
      const members = active(db.select({ id: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, team.id)).all().map((m) => m.id))
        .filter((m) => m.available)
        .map((m) => m.id);
      assigneeId = nextRoundRobin(members, team.lastAssigneeId);
      if (assigneeId) db.update(teams).set({ lastAssigneeId: assigneeId }).where(eq(teams.id, team.id)).run();
      reason = assigneeId ? `keyword → ${team.name}, round-robin` : `keyword → ${team.name}, nobody available`;
      break;
    }
  }
  if (assigneeId || teamId) db.update(conversations).set({ assigneeId, teamId }).where(eq(conversations.id, input.conversationId)).run();
  return { assigneeId, teamId, reason };
}
