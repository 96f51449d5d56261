import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { prepared, type Db } from '../../db/client.js';
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
  // Read on hot paths (webhook processing, every list): prepared once.
  const find = prepared(db, 'settings.byKey', () => db.select().from(settings).where(eq(settings.key, sql.placeholder('key'))).prepare());
  const row = find.get({ key });
  return row ? (JSON.parse(row.value) as T) : fallback;
}

export function setSetting(db: Db, key: string, value: unknown): void {
  db.insert(settings).values({ key, value: JSON.stringify(value) }).onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value) } }).run();
}

/** The workspace's default SLA targets (for conversations without a team, or a team without its own). */
export function defaultSlaTargets(db: Db): SlaTargets {
  return { firstResponseMinutes: getSetting<number | null>(db, 'slaFirstResponseMinutes', null), resolutionMinutes: getSetting<number | null>(db, 'slaResolutionMinutes', null) };
}

/** SLA targets per team (each team's own, else the workspace default), and that default. */
export function slaTargetsTable(db: Db): { teams: Map<string, SlaTargets>; defaults: SlaTargets } {
  const defaults = defaultSlaTargets(db);
  const rows = db.select({ id: teams.id, fr: teams.firstResponseMinutes, res: teams.resolutionMinutes }).from(teams).all();
  return { defaults, teams: new Map(rows.map((t) => [t.id, { firstResponseMinutes: t.fr ?? defaults.firstResponseMinutes, resolutionMinutes: t.res ?? defaults.resolutionMinutes }])) };
}

/** SLA targets by team id (read once per request). */
export function slaTargetsLookup(db: Db): (teamId: string | null) => SlaTargets {
  const { teams: byTeam, defaults } = slaTargetsTable(db);
  return (teamId) => (teamId && byTeam.get(teamId)) || defaults;
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
 * team whose keyword appears in the first message, else the first team that takes the WhatsApp number
 * written to, then round-robin among that team's available members; otherwise the unassigned queue.
 * Runs inside the caller's transaction. Returns what was decided.
 */
export function routeNewConversation(db: Db, input: { conversationId: string; channelId: string; ownerId: string | null; text: string | null }) {
  const active = (ids: string[]) =>
    ids.length ? db.select({ id: users.id, available: users.available }).from(users).where(and(inArray(users.id, ids), isNull(users.disabledAt))).all() : [];
  let assigneeId: string | null = null;
  let teamId: string | null = null;
  let reason = 'unassigned';
  if (input.ownerId && active([input.ownerId]).length) {
    return assign(db, input.conversationId, { assigneeId: input.ownerId, teamId: null, reason: 'contact owner' });
  }
  const all = db.select().from(teams).orderBy(asc(teams.createdAt)).all();
  const byKeyword = input.text ? all.find((t) => (JSON.parse(t.keywords) as string[]).some((k) => matchesKeyword(input.text!, k))) : undefined;
  const byNumber = byKeyword ? undefined : all.find((t) => (JSON.parse(t.channelIds) as string[]).includes(input.channelId));
  const team = byKeyword ?? byNumber;
  if (team) {
    teamId = team.id;
    assigneeId = roundRobinMember(db, team);
    reason = `${byKeyword ? 'keyword' : 'number'} → ${team.name}, ${assigneeId ? 'round-robin' : 'nobody available'}`;
  }
  return assign(db, input.conversationId, { assigneeId, teamId, reason });
}

/** The next available, active member of a team in turn (remembered on the team), or null. In the caller's transaction. */
export function roundRobinMember(db: Db, team: { id: string; lastAssigneeId: string | null }): string | null {
  const ids = db.select({ id: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, team.id)).all().map((m) => m.id);
  const members = ids.length
    ? db.select({ id: users.id, available: users.available }).from(users).where(and(inArray(users.id, ids), isNull(users.disabledAt))).all().filter((m) => m.available).map((m) => m.id)
    : [];
  const next = nextRoundRobin(members, team.lastAssigneeId);
  if (next) db.update(teams).set({ lastAssigneeId: next }).where(eq(teams.id, team.id)).run();
  return next;
}

function assign(db: Db, conversationId: string, r: { assigneeId: string | null; teamId: string | null; reason: string }) {
  if (r.assigneeId || r.teamId) db.update(conversations).set({ assigneeId: r.assigneeId, teamId: r.teamId }).where(eq(conversations.id, conversationId)).run();
  return r;
}
