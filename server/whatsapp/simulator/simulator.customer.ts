/**
 * Simulated WhatsApp users writing to the business: each call builds the full Meta envelope for one
 * inbound message (CLOUD-API.md §2.2–2.9), delivers it signed, and returns the message's wamid.
 */
import type { MediaStore } from './simulator.media.js';
import type { SentRecord } from './simulator.outbound.js';
import { inboundEnvelope, newWamid, unixSeconds, type BusinessIdentity } from './simulator.payloads.js';

export interface CustomerDeps {
  biz: BusinessIdentity;
  clock: { now(): number };
  media: MediaStore;
  publicBaseUrl: () => string;
  deliver(payload: unknown): Promise<number[]>;
  lastInboundAt: Map<string, number>;
  profileNames: Map<string, string>;
  sent: readonly SentRecord[];
}

type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

/** Builds the `customer` API of the simulator. */
export function createCustomers(deps: CustomerDeps) {
  const { biz } = deps;

  /** Profile name: the one given, else the one this number used before, else a stable placeholder. */
  function nameFor(from: string, name?: string): string {
    if (name !== undefined) deps.profileNames.set(from, name);
    return deps.profileNames.get(from) ?? `Customer ${from.slice(-4)}`;
  }

  /** `context` of a reply: `from` is the business display number, `id` the quoted wamid. */
  function contextFor(replyTo: string | undefined) {
    return replyTo ? { context: { from: biz.displayPhoneNumber, id: replyTo } } : {};
  }

  /** Delivers any raw message object (id/from/timestamp filled in when missing); returns its wamid. */
  async function sendMessage(p: { from: string; name?: string; message: Record<string, unknown> }): Promise<string> {
    const now = deps.clock.now();
    const message = { from: p.from, id: newWamid(p.from, 'inbound'), timestamp: unixSeconds(now), ...p.message };
    const name = nameFor(p.from, p.name);
    // An inbound message opens (or refreshes) the 24 h customer-service window.
    deps.lastInboundAt.set(p.from, now);
    await deps.deliver(inboundEnvelope(biz, { waId: p.from, name, message }));
    return String(message.id);
  }

  return {
    sendMessage,

    /** A text message, optionally quoting `replyTo` or carrying a click-to-WhatsApp `referral`. */
    sendText(p: { from: string; name?: string; text: string; replyTo?: string; referral?: Record<string, unknown> }): Promise<string> {
      return sendMessage({
        from: p.from,
        name: p.name,
        message: { ...contextFor(p.replyTo), ...(p.referral ? { referral: p.referral } : {}), type: 'text', text: { body: p.text } },
      });
    },

    /** Registers the bytes as Meta media (so `GET /{media-id}` and its URL serve them) and sends the message. */
    sendMedia(p: { from: string; name?: string; kind: MediaKind; bytes: Uint8Array; mimeType: string; filename?: string; caption?: string; voice?: boolean }): Promise<string> {
      const item = deps.media.put({ bytes: p.bytes, mimeType: p.mimeType, filename: p.filename ?? null });
      const obj: Record<string, unknown> = {};
      // Captions exist on image, video and document only.
      if (p.caption !== undefined && (p.kind === 'image' || p.kind === 'video' || p.kind === 'document')) obj.caption = p.caption;
      if (p.kind === 'document') obj.filename = p.filename ?? 'document';
      obj.mime_type = p.mimeType;
      obj.sha256 = item.sha256;
      obj.id = item.id;
      obj.url = `${deps.publicBaseUrl().replace(/\/$/, '')}/media-download/${deps.media.issueToken(item.id)}`;
      if (p.kind === 'audio') obj.voice = p.voice ?? false;
      if (p.kind === 'sticker') obj.animated = false;
      return sendMessage({ from: p.from, name: p.name, message: { type: p.kind, [p.kind]: obj } });
    },

    /** A reaction to a business message; `emoji: null` removes it (emoji omitted, the current doc form). */
    sendReaction(p: { from: string; name?: string; messageId: string; emoji: string | null }): Promise<string> {
      const reaction = p.emoji === null ? { message_id: p.messageId } : { message_id: p.messageId, emoji: p.emoji };
      return sendMessage({ from: p.from, name: p.name, message: { type: 'reaction', reaction } });
    },

    /** A shared location; name/address only for a chosen place. */
    sendLocation(p: { from: string; name?: string; latitude: number; longitude: number; placeName?: string; address?: string }): Promise<string> {
      const location: Record<string, unknown> = { latitude: p.latitude, longitude: p.longitude };
      if (p.placeName !== undefined) location.name = p.placeName;
      if (p.address !== undefined) location.address = p.address;
      return sendMessage({ from: p.from, name: p.name, message: { location, type: 'location' } });
    },

    /**
     * A tap on a button of `replyTo`: a template's quick-reply arrives as `type: "button"` {payload, text},
     * an interactive reply button as `interactive.button_reply` {id, title}, as Meta sends them.
     */
    sendButtonReply(p: { from: string; name?: string; replyTo: string; id: string; title: string }): Promise<string> {
      const original = deps.sent.find((s) => s.wamid === p.replyTo);
      const message =
        original?.type === 'template'
          ? { ...contextFor(p.replyTo), type: 'button', button: { payload: p.id, text: p.title } }
          : { ...contextFor(p.replyTo), type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: p.id, title: p.title } } };
      return sendMessage({ from: p.from, name: p.name, message });
    },
  };
}
