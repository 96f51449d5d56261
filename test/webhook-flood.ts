/**
 * A flood of signed webhooks for the crash proof, and a sender that behaves like Meta's: it remembers
 * which POSTs were answered 200, re-delivers every one that was not, and repeats some that were.
 */
import { inboundEnvelope, messagesEnvelope, statusEnvelope, type BusinessIdentity, type StatusName } from '../server/whatsapp/simulator/simulator.payloads.js';
import { serializeMetaStyle, signWebhookBody } from '../server/whatsapp/webhook/webhook.signature.js';

/** mulberry32: a small seeded random source, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given random source. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export interface FloodItem {
  index: number;
  kind: 'inbound' | 'status';
  body: string;
  signature: string;
  /** POSTs made and 200s received for this body. */
  attempts: number;
  acks: number;
  /** The sender's phase (kills so far) at the first 200, or null. */
  ackPhase: number | null;
}

export interface FloodPlan {
  items: FloodItem[];
  /** Every inbound wamid the flood carries (each must end up as exactly one message). */
  inboundWamids: string[];
  /** The customers who write in the flood (each must end up as exactly one contact). */
  senders: Set<string>;
  /** Outbound wamid → the highest status the flood delivers for it. */
  finalStatus: Map<string, StatusName>;
  /** Distinct (wamid, status) pairs delivered. */
  statusPairs: number;
}

const RANK: Record<string, number> = { sent: 2, delivered: 3, read: 4 };

/**
 * Inbound texts from `customers` numbers (about one body in ten batches two messages, as Meta does) and,
 * for each outbound message, its sent/delivered(/read) statuses as separate POSTs, all shuffled together
 * so statuses arrive out of order. Bodies are serialised and signed like Meta's.
 */
export function buildFlood(o: {
  biz: BusinessIdentity;
  appSecret: string;
  random: () => number;
  customers: string[];
  inboundMessages: number;
  outbound: Array<{ wamid: string; waId: string }>;
  startSeconds: number;
}): FloodPlan {
  const items: Omit<FloodItem, 'index'>[] = [];
  const inboundWamids: string[] = [];
  const senders = new Set<string>();
  const finalStatus = new Map<string, StatusName>();
  const signed = (kind: FloodItem['kind'], payload: unknown) => {
    const body = serializeMetaStyle(payload);
    items.push({ kind, body, signature: signWebhookBody(body, o.appSecret), attempts: 0, acks: 0, ackPhase: null });
  };
  const message = (from: string, i: number) => {
    const wamid = 'wamid.' + Buffer.from(`HBgL${from}FLOOD${String(i).padStart(6, '0')}`).toString('base64');
    inboundWamids.push(wamid);
    return { from, id: wamid, timestamp: String(o.startSeconds + i), type: 'text', text: { body: `Pedido ${i}: ¿llega hoy? ☕` } };
  };

  for (let i = 0; i < o.inboundMessages; ) {
    const from = o.customers[Math.floor(o.random() * o.customers.length)]!;
    senders.add(from);
    const contacts = [{ profile: { name: `Cliente ${from.slice(-4)} — Zoë` }, wa_id: from }];
    if (o.random() < 0.1 && i + 1 < o.inboundMessages) {
      signed('inbound', messagesEnvelope(o.biz, { contacts, messages: [message(from, i), message(from, i + 1)] }));
      i += 2;
    } else {
      signed('inbound', inboundEnvelope(o.biz, { waId: from, name: contacts[0]!.profile.name, message: message(from, i) }));
      i += 1;
    }
  }

  let statusPairs = 0;
  for (const m of o.outbound) {
    const steps: StatusName[] = o.random() < 0.65 ? ['sent', 'delivered', 'read'] : ['sent', 'delivered'];
    finalStatus.set(m.wamid, steps.reduce((best, s) => (RANK[s]! > RANK[best]! ? s : best)));
    const billing = { conversationId: m.wamid.slice(-32), category: 'service', pricingType: 'free_customer_service' as const, expiresAt: (o.startSeconds + 86_400) * 1000 };
    steps.forEach((status, k) => {
      statusPairs++;
      signed('status', statusEnvelope(o.biz, { wamid: m.wamid, status, at: (o.startSeconds + 10 * k) * 1000, recipientId: m.waId, billing }));
    });
  }
  const ordered = shuffle(items, o.random).map((item, index) => ({ ...item, index }));
  return { items: ordered, inboundWamids, senders, finalStatus, statusPairs };
}

/**
 * Posts flood items to `url()` with bounded concurrency. Only an HTTP 200 counts as acknowledged; a
 * refused connection, a reset or any other status leaves the item for re-delivery, as with Meta.
 */
export function createFloodSender(items: FloodItem[], url: () => string, concurrency: number) {
  let cursor = 0;
  let phase = 0;
  const inflight = new Set<Promise<void>>();

  async function post(item: FloodItem): Promise<void> {
    item.attempts++;
    try {
      const res = await fetch(url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': item.signature, 'user-agent': 'facebookexternalua' },
        body: item.body,
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) {
        item.ackPhase ??= phase;
        item.acks++;
      }
    } catch {
      // Not acknowledged: re-delivered later.
    }
  }

  function launch(item: FloodItem) {
    const p: Promise<void> = post(item).finally(() => inflight.delete(p));
    inflight.add(p);
  }

  async function pump(next: () => FloodItem | undefined, done: () => boolean) {
    for (;;) {
      if (done()) return;
      if (inflight.size < concurrency) {
        const item = next();
        if (item) {
          launch(item);
          continue;
        }
        if (inflight.size === 0) return;
      }
      await Promise.race(inflight);
    }
  }

  const acked = () => items.filter((i) => i.acks > 0).length;

  return {
    acked,
    /** Items never acknowledged so far. */
    unacked: () => items.filter((i) => i.acks === 0),
    inflight: () => inflight.size,
    /** Starts a new phase (call after each kill): items first acknowledged from now on carry it. */
    nextPhase: () => ++phase,
    /**
     * First pass in flood order until `target` items are acknowledged (or all were sent). Returns at once
     * when the target is reached, leaving requests in the air: that is when the caller kills the server.
     */
    sendUntil: (target: number) => pump(() => items[cursor++], () => acked() >= target),
    /** Waits for every request in the air to settle (answered, refused or reset). */
    settle: async () => {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
    /** Re-sends every unacknowledged item until all are acknowledged or the deadline passes. */
    async redeliverUnacked(deadlineMs: number) {
      const end = Date.now() + deadlineMs;
      for (let round = 0; ; round++) {
        const todo = items.filter((i) => i.acks === 0);
        if (todo.length === 0) return;
        if (Date.now() > end) throw new Error(`${todo.length} webhooks still unacknowledged after ${deadlineMs} ms`);
        if (round > 0) await new Promise((r) => setTimeout(r, 200));
        let k = 0;
        await pump(() => todo[k++], () => false);
      }
    },
    /** Sends these (already acknowledged) items once more, like Meta's duplicate deliveries. */
    async duplicate(sample: FloodItem[]) {
      let k = 0;
      await pump(() => sample[k++], () => false);
    },
  };
}
