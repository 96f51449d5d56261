// The CRM requests bench/crm times in process and bench/scale times over HTTP against the real server.

export const FIRST = ['Ana', 'Bruno', 'Carla', 'Diego', 'Eva', 'Fábio', 'Gil', 'Helena', 'Ivo', 'Joana', 'Kai', 'Lúcia', 'Marco', 'Nina', 'Otto', 'Paula'];
export const LAST = ['Silva', 'Santos', 'Costa', 'Pereira', 'Oliveira', 'Rodrigues', 'Martins', 'Ferreira', 'Sousa', 'Gomes', 'Lopes', 'Marques'];
export const WORDS = 'order delivery refund price invoice lisbon porto shipping tracking size colour return exchange discount payment receipt booking table tomorrow friday morning available stock parcel address courier warranty'.split(' ');

/** Who sends a request: the owner sees everything, the agent only their own, their teams' and the shared queue. */
export type CrmUser = 'owner' | 'agent';
/** [name, user, path under /api/v1 (a fresh one per sample), p95 target in ms]. */
export type CrmCase = [string, CrmUser, () => string, number];

/** Random picks from the seeded data that the request paths are built from. */
export interface CrmSample {
  pick<T>(xs: readonly T[]): T;
  teams: readonly string[];
  conversationId(): string;
  phone(): string;
}

/**
 * The CRM read requests with their p95 targets. The "page 5" case is timed with the cursor of the
 * fifth page appended by the caller (it follows the cursor first).
 */
export function crmCases({ pick, teams, conversationId, phone }: CrmSample): CrmCase[] {
  return [
    ['GET /me (floor)', 'owner', () => '/me', 20],
    ['conversations: all', 'owner', () => '/conversations', 20],
    ['conversations: mine (agent)', 'agent', () => '/conversations?assignee=me', 20],
    ['conversations: agent scope, all', 'agent', () => '/conversations', 20],
    ['conversations: unassigned', 'owner', () => '/conversations?assignee=none', 20],
    ['conversations: status=open', 'owner', () => '/conversations?status=open', 20],
    ['conversations: status=pending', 'owner', () => '/conversations?status=pending', 20],
    ['conversations: status=resolved', 'owner', () => '/conversations?status=resolved', 20],
    ['conversations: team', 'owner', () => `/conversations?teamId=${pick(teams)}`, 20],
    ['conversations: page 5 (cursor)', 'owner', () => '/conversations?limit=30', 20],
    ['view: unassigned', 'owner', () => '/conversations?view=unassigned', 20],
    ['view: waiting_first_response', 'owner', () => '/conversations?view=waiting_first_response&minutes=15', 20],
    ['view: waiting_on_business', 'owner', () => '/conversations?view=waiting_on_business', 20],
    ['view: waiting_on_customer', 'owner', () => '/conversations?view=waiting_on_customer', 20],
    ['view: escalated', 'owner', () => '/conversations?view=escalated', 20],
    ['view: sla_breached', 'owner', () => '/conversations?view=sla_breached', 20],
    ['thread page (50 messages)', 'owner', () => `/conversations/${conversationId()}/messages`, 20],
    ['contact lookup by phone', 'owner', () => `/contacts?phone=${encodeURIComponent(phone())}`, 20],
    ['tasks due today (mine)', 'agent', () => '/tasks?due=today&assignee=me', 20],
    ['search (FTS, owner)', 'owner', () => `/search?q=${pick(WORDS)}%20${pick(WORDS)}`, 50],
    ['search (FTS, agent scope)', 'agent', () => `/search?q=${pick(WORDS)}`, 50],
    ['search contact name', 'owner', () => `/search?q=${pick(FIRST)}%20${pick(LAST)}`, 50],
    ['manager summary', 'owner', () => '/manager/summary', 20],
  ];
}
