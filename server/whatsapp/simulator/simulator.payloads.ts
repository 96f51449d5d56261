/**
 * Ids and webhook envelopes shaped like Meta's (CLOUD-API.md §2): wamids, media ids, the
 * `whatsapp_business_account` envelope around inbound messages and `statuses[]`.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** The business side of every envelope. */
export interface BusinessIdentity {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/**
 * A wamid like Meta's: "wamid." + base64 of a small protobuf-ish record holding the user's number and a
 * hex message key. Meta's inbound keys are 20 hex chars (tag 0x12), outbound 18 (tag 0x11), which is
 * why real wamids start with "HBgL" for 11-digit numbers.
 */
export function newWamid(waId: string, direction: 'inbound' | 'outbound'): string {
  const phone = Buffer.from(waId.slice(0, 255), 'ascii');
  const key = Buffer.from(randomBytes(10).toString('hex').toUpperCase().slice(0, direction === 'inbound' ? 20 : 18), 'ascii');
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, direction === 'inbound' ? 0x12 : 0x11, 0x18, key.length]),
    key,
    Buffer.from([0x00]),
  ]);
  return 'wamid.' + bytes.toString('base64');
}

/** A numeric Graph object id (media, templates): 15–16 digits, as Meta's are. */
export function newGraphId(): string {
  return String(randomInt(1, 9)) + String(randomInt(0, 1e9)).padStart(9, '0') + String(randomInt(0, 1e6)).padStart(6, '0');
}

/** `conversation.id`: 32 lowercase hex chars. */
export function newConversationId(): string {
  return randomBytes(16).toString('hex');
}

/** What Meta makes of a `to`: digits only ("+1 (650) 555-1234" → "16505551234"). */
export function normalizeWaId(input: string): string {
  return input.replace(/\D/g, '');
}

/** Unix seconds as the string Meta puts in `messages`/`statuses` webhooks. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** Wraps one `value` of field `messages` in the full envelope (`entry[].id` = WABA id, no `time`, like Meta). */
export function messagesEnvelope(biz: BusinessIdentity, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: biz.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: biz.displayPhoneNumber, phone_number_id: biz.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** An inbound message envelope with `contacts[]` (profile name + wa_id) and one `messages[]` item. */
export function inboundEnvelope(biz: BusinessIdentity, p: { waId: string; name: string; message: Record<string, unknown> }) {
  return messagesEnvelope(biz, {
    contacts: [{ profile: { name: p.name }, wa_id: p.waId }],
    messages: [p.message],
  });
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** Billing facts of one outbound message, echoed on its `sent` and `delivered` statuses. */
export interface StatusBilling {
  conversationId: string;
  /** `origin.type` / `pricing.category`: service, utility, marketing, authentication. */
  category: string;
  /** `pricing.type`: regular (billable) or free_customer_service. */
  pricingType: 'regular' | 'free_customer_service';
  /** Conversation expiry (ms), shown on `sent` only. */
  expiresAt: number;
}

export interface StatusInput {
  wamid: string;
  status: StatusName;
  at: number;
  recipientId: string;
  billing: StatusBilling;
  errors?: Array<Record<string, unknown>>;
  bizOpaqueCallbackData?: string;
  /** Known profile name: BSUID-era statuses carry `contacts[]` on sent/delivered/read (never on failed). */
  profileName?: string | null;
}

/**
 * One `statuses[]` item per CLOUD-API.md §2.15: timestamp as a string, `conversation` + `pricing` on
 * sent and delivered (expiration only on sent), `errors[]` on failed.
 */
export function statusEnvelope(biz: BusinessIdentity, s: StatusInput): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: s.wamid,
    status: s.status,
    timestamp: unixSeconds(s.at),
    recipient_id: s.recipientId,
  };
  if (s.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = s.bizOpaqueCallbackData;
  if (s.status === 'sent' || s.status === 'delivered') {
    status.conversation = {
      id: s.billing.conversationId,
      ...(s.status === 'sent' ? { expiration_timestamp: unixSeconds(s.billing.expiresAt) } : {}),
      origin: { type: s.billing.category },
    };
    status.pricing = {
      billable: s.billing.pricingType === 'regular',
      pricing_model: 'PMP',
      type: s.billing.pricingType,
      category: s.billing.category,
    };
  }
  if (s.status === 'failed') status.errors = s.errors ?? [];
  const withContacts = s.status !== 'failed' && s.profileName;
  return messagesEnvelope(biz, {
    ...(withContacts ? { contacts: [{ profile: { name: s.profileName }, wa_id: s.recipientId }] } : {}),
    statuses: [status],
  });
}
