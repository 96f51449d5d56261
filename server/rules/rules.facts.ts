import type { Db } from '../../db/client.js';
import { getContact, tagsOfContact } from '../contacts/contacts.repository.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { getDeal } from '../pipelines/deals.repository.js';
import { effectiveBusinessHours } from '../teams/teams.hours.js';
import { isWithinBusinessHours, type Facts } from './rules.models.js';

/**
 * What conditions read, fresh at run time — each part read on first use only: a rule that asks for a
 * tag reads the contact's tags and nothing else (conditions run per message, so a read they do not
 * need is paid ten thousand times in a busy hour). Reads are remembered for the life of the object;
 * callers take a new one after a rule acted.
 */
export function loadFacts(db: Db, run: { contactId: string | null; conversationId: string | null; dealId: string | null }, event: Record<string, unknown>, now: number): Facts {
  const once = <T>(read: () => T) => {
    let done = false;
    let value: T;
    return () => {
      if (!done) {
        value = read();
        done = true;
      }
      return value;
    };
  };
  const contactRow = once(() => (run.contactId ? getContact(db, run.contactId) : undefined));
  const tags = once(() => (run.contactId ? tagsOfContact(db, run.contactId) : []));
  const contact = once((): Facts['contact'] => {
    // The row is read only when a condition asks for a column (a tag condition reads just the tags).
    if (!run.contactId) return null;
    return {
      get tags() {
        return tags();
      },
      get language() {
        return contactRow()?.language ?? null;
      },
      get name() {
        return contactRow()?.name ?? null;
      },
      get optedOut() {
        return contactRow()?.marketingOptOut ?? null; // no such contact: unset, as before
      },
      get custom() {
        return custom();
      },
    };
  });
  const custom = once(() => JSON.parse(contactRow()?.customFields ?? '{}') as Record<string, unknown>);
  const conversation = once((): Facts['conversation'] => {
    const c = run.conversationId ? getConversation(db, run.conversationId) : undefined;
    return c ? { status: c.status, assigneeId: c.assigneeId, teamId: c.teamId, priority: c.priority, windowOpen: (c.windowExpiresAt ?? 0) > now } : null;
  });
  const deal = once((): Facts['deal'] => {
    const d = run.dealId ? getDeal(db, run.dealId) : undefined;
    return d ? { stageId: d.stageId, amount: d.amountMinor } : null;
  });
  return {
    get contact() {
      return contact();
    },
    get conversation() {
      return conversation();
    },
    get deal() {
      return deal();
    },
    message: typeof event.text === 'string' ? { text: event.text } : null,
    inBusinessHours: (teamId) => {
      const h = effectiveBusinessHours(db, teamId); // the team's own, else the workspace's
      return h ? isWithinBusinessHours(h, now) : true; // no hours set: always open
    },
  };
}
