/**
 * Normalised webhook events: what `parseWebhook` turns one Meta POST body into. Pure data, no I/O.
 * Every event keeps `raw` (the object it came from) so nothing Meta sent is ever lost.
 */

/** Where in the envelope an event came from. */
export interface EventOrigin {
  /** `entry[].id`: the WhatsApp Business Account id ("0" in dashboard test payloads). */
  wabaId: string;
  /** `changes[].field`. */
  field: string;
  /** `value.metadata.phone_number_id`; null for fields without metadata (template events…). */
  phoneNumberId: string | null;
  /** `value.metadata.display_phone_number` (digits, no "+"). */
  displayPhoneNumber: string | null;
}

/** A WhatsApp user as Meta identifies them; any part may be missing (BSUID era). */
export interface WaIdentity {
  /** Phone-based WhatsApp id (digits, no "+"). */
  waId: string | null;
  /** Business-scoped user id (BSUID), e.g. "US.13491208655302741918". */
  userId: string | null;
  parentUserId: string | null;
  /** `profile.username`, e.g. "@realsheenanelson". */
  username: string | null;
  /** `profile.name`. */
  profileName: string | null;
}

/** One Meta error object (`code`, `title`, `message`, `error_data.details`, `href`). */
export interface MetaError {
  code: number | null;
  title: string | null;
  message: string | null;
  details: string | null;
  href: string | null;
}

export interface MediaRef {
  /** Meta media id (valid 7 days). */
  waMediaId: string;
  mimeType: string | null;
  /** As Meta sent it: base64 in current docs, hex in older payloads. */
  sha256: string | null;
  /** `url` (lookaside link, bearer required) when present. */
  url: string | null;
  caption: string | null;
  filename: string | null;
  /** `file_size` (string or number in the wild) → number. */
  fileSize: number | null;
  /** audio.voice: a voice note recorded in WhatsApp. */
  voice: boolean;
  /** sticker.animated. */
  animated: boolean;
}

export interface ReplyContext {
  /** `context.id`: the wamid being replied to (or the interactive/template message answered). */
  waMessageId: string | null;
  /** `context.from`. */
  from: string | null;
  forwarded: boolean;
  frequentlyForwarded: boolean;
  referredProduct: { catalogId: string | null; productRetailerId: string | null } | null;
}

/** Click-to-WhatsApp ad attribution (`referral`). */
export interface Referral {
  sourceUrl: string | null;
  sourceId: string | null;
  sourceType: string | null;
  body: string | null;
  headline: string | null;
  mediaType: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  ctwaClid: string | null;
  welcomeMessageText: string | null;
}

export interface InboundMessageEvent extends EventOrigin {
  kind: 'message';
  waMessageId: string;
  /** The sender: `from` / `from_user_id` / `from_parent_user_id`, completed from the matching `contacts[]` entry. */
  from: WaIdentity;
  /** Epoch milliseconds from the payload `timestamp` (string or number of seconds). */
  timestamp: number;
  /**
   * Meta's `type`, normalised only where Meta renamed it: legacy `unknown` → `unsupported`.
   * Any other unknown value is kept as is (never dropped).
   */
  type: string;
  /** Human-readable text of the message: text body, caption, button/list title, order text, system body, edited text… */
  text: string | null;
  media: MediaRef | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null; url: string | null } | null;
  /** Shared contact cards as Meta sent them (`messages[].contacts`). */
  sharedContacts: unknown[] | null;
  interactive: {
    /** button_reply | list_reply | nfm_reply | other */
    type: string;
    id: string | null;
    title: string | null;
    description: string | null;
    /** nfm_reply.response_json parsed (null if absent or not valid JSON; the raw string stays in `raw`). */
    response: unknown;
    /** nfm_reply.name / body. */
    flowName: string | null;
    flowBody: string | null;
  } | null;
  /** Template quick-reply (`type: "button"`): payload is optional. */
  button: { text: string | null; payload: string | null } | null;
  /** Reaction to `targetWaMessageId`; emoji null = the reaction was removed (emoji omitted or ""). */
  reaction: { targetWaMessageId: string; emoji: string | null } | null;
  order: {
    catalogId: string | null;
    text: string | null;
    items: { productRetailerId: string; quantity: number; itemPrice: number | null; currency: string | null }[];
  } | null;
  /** type "system": number change (wa_id or legacy new_wa_id), BSUID change, identity change. */
  system: { type: string; body: string | null; newWaId: string | null; newUserId: string | null; identity: unknown } | null;
  /** type "edit": the user edited `targetWaMessageId`; the new content is in `text`/`media`. */
  edit: { targetWaMessageId: string } | null;
  /** type "revoke": the user deleted `targetWaMessageId`. */
  revoke: { targetWaMessageId: string } | null;
  context: ReplyContext | null;
  referral: Referral | null;
  /** Message-level errors (unsupported types, some media failures). */
  errors: MetaError[];
  groupId: string | null;
  /** The message object exactly as received. */
  raw: unknown;
}

export interface StatusEvent extends EventOrigin {
  kind: 'status';
  /** The wamid of OUR outbound message. */
  waMessageId: string;
  /** sent | delivered | read | played | failed | deleted | … (kept as sent, lower-cased). */
  status: string;
  timestamp: number;
  /** recipient_id / recipient_user_id / parent_recipient_user_id (or parent_user_id), plus contacts[] when present. */
  recipient: WaIdentity;
  errors: MetaError[];
  pricing: { billable: boolean | null; category: string | null; pricingModel: string | null; type: string | null } | null;
  conversation: { id: string | null; originType: string | null; expiresAt: number | null } | null;
  bizOpaqueCallbackData: string | null;
  raw: unknown;
}

/** message_template_status_update, message_template_quality_update, template_category_update. */
export interface TemplateEvent extends EventOrigin {
  kind: 'template';
  templateId: string | null;
  name: string | null;
  language: string | null;
  /** Status event (APPROVED, REJECTED, PAUSED, DISABLED…) for status updates. */
  event: string | null;
  reason: string | null;
  previousQuality: string | null;
  newQuality: string | null;
  previousCategory: string | null;
  newCategory: string | null;
  /** entry.time / value timestamp in epoch ms when present. */
  timestamp: number | null;
  raw: unknown;
}

/** `user_preferences`: marketing stop/resume chosen by the user in WhatsApp. */
export interface UserPreferenceEvent extends EventOrigin {
  kind: 'user_preference';
  user: WaIdentity;
  /** e.g. "marketing_messages". */
  category: string | null;
  /** "stop" | "resume" | other, lower-cased. */
  value: string | null;
  description: string | null;
  timestamp: number | null;
  raw: unknown;
}

/** Value-level `errors[]` (system, app or account problems). */
export interface ValueErrorEvent extends EventOrigin {
  kind: 'error';
  errors: MetaError[];
  raw: unknown;
}

/** A field Parley does not interpret (account_update, phone_number_quality_update, …) or a shape it cannot read: stored verbatim. */
export interface OtherEvent extends EventOrigin {
  kind: 'other';
  /** Why it is not interpreted, e.g. "unhandled field" or "message without id". */
  note: string;
  raw: unknown;
}

export type WebhookEvent = InboundMessageEvent | StatusEvent | TemplateEvent | UserPreferenceEvent | ValueErrorEvent | OtherEvent;

/** Result of parsing one POST body. `problems` lists envelope issues (not an object, no entry[]…). */
export interface ParsedWebhook {
  object: string | null;
  events: WebhookEvent[];
  problems: string[];
}
