import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type {
  InboundMessageEvent,
  OtherEvent,
  StatusEvent,
  TemplateEvent,
  UserPreferenceEvent,
  ValueErrorEvent,
  WebhookEvent,
} from './webhook.events.js';
import { normalizeMessageType, parseTimestamp, parseWebhook } from './webhook.parse.js';
import { serializeMetaStyle } from './webhook.signature.js';

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

/** Parses a fixture and insists the envelope was clean. */
function parseFixture(name: string): WebhookEvent[] {
  const parsed = parseWebhook(load(name));
  expect(parsed.problems).toEqual([]);
  expect(parsed.object).toBe('whatsapp_business_account');
  return parsed.events;
}

function only<K extends WebhookEvent['kind']>(name: string, kind: K): Extract<WebhookEvent, { kind: K }> {
  const events = parseFixture(name);
  expect(events).toHaveLength(1);
  const e = events[0]!;
  expect(e.kind).toBe(kind);
  return e as Extract<WebhookEvent, { kind: K }>;
}

const message = (name: string): InboundMessageEvent => only(name, 'message');
const status = (name: string): StatusEvent => only(name, 'status');
const template = (name: string): TemplateEvent => only(name, 'template');

const WABA = '310998877665544';
const PNID = '220011223344556';
const USER = '447700900123';
const BIZ_OUT = 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQk9VVDAwMDFQQVJMRVkA';

describe('parseTimestamp', () => {
  it('turns unix seconds (string or number) into epoch ms', () => {
    expect(parseTimestamp('1749416383')).toBe(1_749_416_383_000);
    expect(parseTimestamp(1731705721)).toBe(1_731_705_721_000);
    expect(parseTimestamp(' 1700000000 ')).toBe(1_700_000_000_000);
  });
  it('rejects what is not a timestamp', () => {
    for (const bad of [null, undefined, '', 'abc', '12a', -5, Number.NaN, Infinity, {}, [], true]) {
      expect(parseTimestamp(bad)).toBeNull();
    }
  });
});

describe('normalizeMessageType', () => {
  it('renames only the legacy "unknown"', () => {
    expect(normalizeMessageType('unknown')).toBe('unsupported');
    expect(normalizeMessageType('unsupported')).toBe('unsupported');
    expect(normalizeMessageType('poll_vote')).toBe('poll_vote');
    expect(normalizeMessageType(undefined)).toBe('unsupported');
  });
});

describe('text messages', () => {
  it('reads origin, sender, timestamp and non-ASCII text', () => {
    const e = message('text');
    expect(e).toMatchObject({
      wabaId: WABA,
      field: 'messages',
      phoneNumberId: PNID,
      displayPhoneNumber: '15557654321',
      waMessageId: 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUMUFBMDAwMDFURVhUAA==',
      timestamp: 1_752_000_000_000,
      type: 'text',
      text: 'Hola! ¿Tienen café ☕ para llevar? مرحبا 😀',
      media: null,
      context: null,
      referral: null,
      errors: [],
      groupId: null,
      edit: null,
      revoke: null,
    });
    expect(e.from).toEqual({ waId: USER, userId: null, parentUserId: null, username: null, profileName: 'Marisol Quintero' });
    expect(e.raw).toEqual((load('text') as { entry: { changes: { value: { messages: unknown[] } }[] }[] }).entry[0]!.changes[0]!.value.messages[0]);
  });

  it('reads the same text from a Meta-style \\u-escaped body', () => {
    const escaped = serializeMetaStyle(load('text'));
    expect(escaped).not.toMatch(/[^\x00-\x7f]/);
    const e = parseWebhook(JSON.parse(escaped)).events[0] as InboundMessageEvent;
    expect(e.text).toBe('Hola! ¿Tienen café ☕ para llevar? مرحبا 😀');
  });

  it('reads a reply context and BSUID fields from contacts', () => {
    const e = message('text-reply');
    expect(e.context).toEqual({ waMessageId: BIZ_OUT, from: '15557654321', forwarded: false, frequentlyForwarded: false, referredProduct: null });
    expect(e.from).toEqual({
      waId: USER,
      userId: 'GB.70000000000000000123',
      parentUserId: 'GB.ENT.90000000000000000456',
      username: null,
      profileName: 'Marisol Quintero',
    });
  });

  it('reads forwarded flags', () => {
    expect(message('text-forwarded').context).toMatchObject({ forwarded: true, frequentlyForwarded: false, waMessageId: null });
    expect(message('video').context).toMatchObject({ forwarded: false, frequentlyForwarded: true });
  });

  it('reads referred_product', () => {
    expect(message('text-referred-product').context?.referredProduct).toEqual({ catalogId: '880011223344', productRetailerId: 'sku-boot-042' });
  });

  it('reads a Click-to-WhatsApp referral with ctwa_clid and welcome message', () => {
    expect(message('text-referral-ad').referral).toEqual({
      sourceUrl: 'https://fb.me/9pArLeY1',
      sourceId: '120229900000000001',
      sourceType: 'ad',
      body: 'Pottery workshop every Saturday',
      headline: 'Book your seat',
      mediaType: 'image',
      imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.0-1/parley-workshop.jpg',
      videoUrl: null,
      thumbnailUrl: null,
      ctwaClid: 'ARAkLmNoPqRsTuVwXyZ-parley-click-0001',
      welcomeMessageText: 'Welcome! Ask us anything about the workshop.',
    });
  });

  it('reads a video Status-ad referral without ctwa_clid', () => {
    expect(message('text-referral-status-ad').referral).toMatchObject({
      mediaType: 'video',
      videoUrl: 'https://video.xx.fbcdn.net/v/t42.0-2/parley-glaze.mp4',
      thumbnailUrl: 'https://scontent.xx.fbcdn.net/v/t45.0-1/parley-glaze-thumb.jpg',
      imageUrl: null,
      ctwaClid: null,
      welcomeMessageText: null,
    });
  });

  it('reads the dashboard "Test" sample (entry id "0", non-wamid id)', () => {
    const e = message('dashboard-test');
    expect(e).toMatchObject({ wabaId: '0', waMessageId: 'ABGGFlA5QmXy', text: 'sample dashboard text', timestamp: 1_504_900_000_000 });
  });
});

describe('media messages', () => {
  it('image: caption is the text, file_size string → number', () => {
    const e = message('image');
    expect(e.type).toBe('image');
    expect(e.text).toBe('Crack in the vase 😢');
    expect(e.media).toEqual({
      waMediaId: '7700112233445566',
      mimeType: 'image/jpeg',
      sha256: 'q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxCvBnM1234567=',
      url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=7700112233445566&source=webhook&ext=1752000999&hash=ARxyz',
      caption: 'Crack in the vase 😢',
      filename: null,
      fileSize: 48213,
      voice: false,
      animated: false,
    });
  });

  it('audio: voice flag, no caption', () => {
    const e = message('audio-voice');
    expect(e.text).toBeNull();
    expect(e.media).toMatchObject({ waMediaId: '7700112233445567', mimeType: 'audio/ogg; codecs=opus', voice: true, animated: false, caption: null });
  });

  it('video without url', () => {
    const e = message('video');
    expect(e.text).toBe('Kiln opening, time-lapse');
    expect(e.media).toMatchObject({ waMediaId: '7700112233445568', mimeType: 'video/mp4', url: null });
  });

  it('document: filename and integer file_size', () => {
    const e = message('document');
    expect(e.text).toBe('Invoice for order 5531');
    expect(e.media).toMatchObject({ filename: 'factura-5531.pdf', fileSize: 102400, mimeType: 'application/pdf' });
  });

  it('sticker: animated flag', () => {
    expect(message('sticker-animated').media).toMatchObject({ waMediaId: '7700112233445570', mimeType: 'image/webp', animated: true, voice: false });
  });
});

describe('location, contacts', () => {
  it('location with name, address and url', () => {
    expect(message('location-place').location).toEqual({
      latitude: 41.40363,
      longitude: 2.17436,
      name: 'Sagrada Família',
      address: 'Carrer de Mallorca 401, 08013 Barcelona',
      url: 'https://sagradafamilia.org/',
    });
  });

  it('current location: coordinates only', () => {
    const e = message('location-current');
    expect(e.location).toEqual({ latitude: -33.86882, longitude: 151.20929, name: null, address: null, url: null });
    expect(e.context?.forwarded).toBe(true);
  });

  it('shared contact cards are kept as sent', () => {
    const e = message('contacts');
    expect(e.sharedContacts).toHaveLength(2);
    expect(e.sharedContacts?.[0]).toMatchObject({ name: { formatted_name: 'Jonas Ødegård' }, phones: [{ wa_id: '4741234567' }] });
    expect(e.from.waId).toBe(USER);
  });

  it('contact-request variant: vcard kept, sender taken from the only contact (no from)', () => {
    const e = message('contacts-request');
    expect(e.sharedContacts?.[0]).toMatchObject({ vcard: expect.stringContaining('FN:Marisol Quintero') });
    expect(e.from).toEqual({ waId: null, userId: 'GB.70000000000000000123', parentUserId: null, username: '@marisol.q', profileName: 'Marisol Quintero' });
    expect((e.raw as { origin: string }).origin).toBe('contact_request');
  });
});

describe('interactive and template buttons', () => {
  it('button_reply', () => {
    const e = message('interactive-button-reply');
    expect(e.interactive).toEqual({ type: 'button_reply', id: 'slot-sat-10am', title: 'Saturday 10:00', description: null, response: null, flowName: null, flowBody: null });
    expect(e.text).toBe('Saturday 10:00');
    expect(e.context?.waMessageId).toBe(BIZ_OUT);
  });

  it('list_reply with description', () => {
    const e = message('interactive-list-reply');
    expect(e.interactive).toMatchObject({ type: 'list_reply', id: 'glaze-celadon', title: 'Celadon glaze', description: 'Soft green, food safe' });
    expect(e.text).toBe('Celadon glaze');
  });

  it('nfm_reply: response_json parsed', () => {
    const e = message('interactive-nfm-reply');
    expect(e.interactive).toEqual({
      type: 'nfm_reply',
      id: null,
      title: null,
      description: null,
      response: { flow_token: 'parley-flow-7f3a', party_size: '4', notes: 'sin gluten, por favor' },
      flowName: 'flow',
      flowBody: 'Sent',
    });
    expect(e.text).toBe('Sent');
  });

  it('nfm_reply with invalid JSON → response null, string kept in raw', () => {
    const e = message('interactive-nfm-reply-invalid-json');
    expect(e.interactive).toMatchObject({ type: 'nfm_reply', response: null, flowName: 'address_message', flowBody: 'Address shared' });
    expect(JSON.stringify(e.raw)).toContain('Pune');
  });

  it('template quick-reply with payload', () => {
    const e = message('button');
    expect(e.button).toEqual({ text: 'Stop promotions', payload: 'STOP_PROMOS' });
    expect(e.text).toBe('Stop promotions');
    expect(e.context?.waMessageId).toBe(BIZ_OUT);
  });

  it('template quick-reply without payload', () => {
    expect(message('button-no-payload').button).toEqual({ text: 'Confirm booking', payload: null });
  });
});

describe('reactions', () => {
  it('reaction with emoji', () => {
    const e = message('reaction');
    expect(e.reaction).toEqual({ targetWaMessageId: BIZ_OUT, emoji: '❤️' });
    expect(e.text).toBeNull();
  });

  it('un-reaction, emoji omitted (current docs)', () => {
    expect(message('reaction-removed-omitted').reaction).toEqual({ targetWaMessageId: BIZ_OUT, emoji: null });
  });

  it('un-reaction, emoji "" (older docs)', () => {
    expect(message('reaction-removed-empty').reaction).toEqual({ targetWaMessageId: BIZ_OUT, emoji: null });
  });
});

describe('orders', () => {
  it('numeric quantity and price', () => {
    const e = message('order');
    expect(e.text).toBe('Two mugs and a bowl please');
    expect(e.order).toEqual({
      catalogId: '880011223344',
      text: 'Two mugs and a bowl please',
      items: [
        { productRetailerId: 'mug-blue', quantity: 2, itemPrice: 18.5, currency: 'EUR' },
        { productRetailerId: 'bowl-xl', quantity: 1, itemPrice: 42, currency: 'EUR' },
      ],
    });
  });

  it('string quantity and price → numbers, missing price → null', () => {
    const e = message('order-string-numbers');
    expect(e.text).toBeNull();
    expect(e.order?.items).toEqual([
      { productRetailerId: 'plate-set', quantity: 3, itemPrice: 12.9, currency: 'EUR' },
      { productRetailerId: 'gift-wrap', quantity: 1, itemPrice: null, currency: 'EUR' },
    ]);
  });
});

describe('system messages', () => {
  it('user_changed_number with system.wa_id; from is the old number', () => {
    const e = message('system-user-changed-number');
    expect(e.type).toBe('system');
    expect(e.from.waId).toBe(USER);
    expect(e.from.profileName).toBeNull();
    expect(e.system).toEqual({
      type: 'user_changed_number',
      body: 'User Marisol Quintero changed from 447700900123 to 447700900456',
      newWaId: '447700900456',
      newUserId: null,
      identity: null,
    });
    expect(e.text).toBe('User Marisol Quintero changed from 447700900123 to 447700900456');
  });

  it('user_changed_number with legacy new_wa_id', () => {
    expect(message('system-user-changed-number-legacy').system).toMatchObject({ type: 'user_changed_number', newWaId: '447700900789' });
  });

  it('customer_changed_number (legacy type)', () => {
    expect(message('system-customer-changed-number').system).toMatchObject({ type: 'customer_changed_number', newWaId: '447700900999' });
  });

  it('user_changed_user_id: new BSUID', () => {
    expect(message('system-user-changed-user-id').system).toMatchObject({
      type: 'user_changed_user_id',
      newUserId: 'GB.70000000000000000789',
      newWaId: '447700900456',
    });
  });

  it('customer_identity_changed keeps the identity object', () => {
    const e = message('system-identity-changed');
    expect(e.system).toEqual({
      type: 'customer_identity_changed',
      body: 'User identity changed',
      newWaId: null,
      newUserId: null,
      identity: { acknowledged: true, created_timestamp: '1752001790', hash: 'k9Xw2Qparley' },
    });
  });
});

describe('unsupported, unknown and new types', () => {
  it('unsupported keeps its errors', () => {
    const e = message('unsupported');
    expect(e.type).toBe('unsupported');
    expect(e.text).toBeNull();
    expect(e.errors).toEqual([
      { code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.', href: null },
    ]);
  });

  it('legacy "unknown" is normalised to "unsupported", top-level details read', () => {
    const e = message('unknown-legacy');
    expect(e.type).toBe('unsupported');
    expect(e.timestamp).toBe(1_680_000_000_000);
    expect(e.errors).toEqual([
      { code: 131051, title: 'Unsupported message type', message: null, details: 'Message type is not currently supported', href: null },
    ]);
  });

  it('a type Parley does not know is kept with its name', () => {
    const e = message('unknown-type');
    expect(e.type).toBe('poll_vote');
    expect(e.text).toBeNull();
    expect((e.raw as { poll_vote: { selected_options: string[] } }).poll_vote.selected_options).toEqual(['Saturday']);
  });
});

describe('Coexistence edit and revoke', () => {
  it('edited image: target id, new caption as text, new media', () => {
    const e = message('edit-image');
    expect(e.type).toBe('edit');
    expect(e.edit).toEqual({ targetWaMessageId: 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUMUFBMDAwMDdJTUcA' });
    expect(e.text).toBe('Crack in the vase (left side)');
    expect(e.media).toMatchObject({ waMediaId: '7700112233445599', mimeType: 'image/jpeg' });
    expect(e.revoke).toBeNull();
  });

  it('edited text', () => {
    const e = message('edit-text');
    expect(e.edit?.targetWaMessageId).toBe('wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUMUFBMDAwMDFURVhUAA==');
    expect(e.text).toBe('Hola! ¿Tienen té 🍵 para llevar?');
    expect(e.media).toBeNull();
  });

  it('revoke', () => {
    const e = message('revoke');
    expect(e.type).toBe('revoke');
    expect(e.revoke).toEqual({ targetWaMessageId: 'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUMUFBMDAwMDNGV0QA' });
    expect(e.text).toBeNull();
    expect(e.edit).toBeNull();
  });
});

describe('senders: groups and BSUID-only users', () => {
  it('group messages: group_id, each sender paired with its own contact', () => {
    const events = parseFixture('group-message') as InboundMessageEvent[];
    expect(events.map((e) => [e.groupId, e.from.waId, e.from.userId, e.from.profileName, e.from.username, e.text])).toEqual([
      ['Y2FwaS1ncm91cC0wMDAx', '5511987650001', 'BR.70000000000000000001', 'Ana Souza', null, 'Bom dia, pessoal! 🌞'],
      ['Y2FwaS1ncm91cC0wMDAx', '5511987650002', 'BR.70000000000000000002', 'Caio Lima', '@caiolima', 'Bom dia!'],
    ]);
  });

  it('BSUID-only user: no from, username from profile', () => {
    const e = message('bsuid-only-text');
    expect(e.from).toEqual({
      waId: null,
      userId: 'GB.70000000000000000321',
      parentUserId: 'GB.ENT.90000000000000000654',
      username: '@theo.varga',
      profileName: 'Theo Varga',
    });
    expect(e.text).toBe("Hi, it's Theo (no number shared)");
  });

  it('pairs by user_id when several contacts and no phone', () => {
    const payload = load('bsuid-only-text') as { entry: { changes: { value: { contacts: unknown[] } }[] }[] };
    payload.entry[0]!.changes[0]!.value.contacts.unshift({ profile: { name: 'Someone Else' }, user_id: 'GB.1' });
    const e = parseWebhook(payload).events[0] as InboundMessageEvent;
    expect(e.from.profileName).toBe('Theo Varga');
  });
});

describe('items without ids are kept as OtherEvent', () => {
  it('message and status without id', () => {
    const events = parseFixture('missing-ids') as OtherEvent[];
    expect(events.map((e) => [e.kind, e.note])).toEqual([
      ['other', 'message without id'],
      ['other', 'status without id'],
    ]);
    expect(events[0]!.raw).toMatchObject({ text: { body: 'message without an id' } });
    expect(events[1]!.raw).toMatchObject({ status: 'delivered' });
  });
});

describe('statuses', () => {
  it('sent: pricing, conversation with expiry, biz_opaque_callback_data, status contacts', () => {
    const e = status('status-sent');
    expect(e).toMatchObject({
      waMessageId: BIZ_OUT,
      status: 'sent',
      timestamp: 1_752_003_000_000,
      errors: [],
      pricing: { billable: true, category: 'marketing', pricingModel: 'PMP', type: 'regular' },
      conversation: { id: 'c0ffee00c0ffee00c0ffee00c0ffee01', originType: 'marketing', expiresAt: 1_752_089_400_000 },
      bizOpaqueCallbackData: 'campaign=spring-sale;variant=b',
    });
    expect(e.recipient).toEqual({ waId: USER, userId: 'GB.70000000000000000123', parentUserId: null, username: null, profileName: 'Marisol Quintero' });
  });

  it('delivered: recipient_user_id and parent_recipient_user_id, username from contacts', () => {
    const e = status('status-delivered');
    expect(e.status).toBe('delivered');
    expect(e.conversation).toBeNull();
    expect(e.recipient).toEqual({
      waId: USER,
      userId: 'GB.70000000000000000123',
      parentUserId: 'GB.ENT.90000000000000000456',
      username: '@marisol.q',
      profileName: 'Marisol Quintero',
    });
  });

  it('delivered to a BSUID-only user: no recipient_id, parent in parent_user_id', () => {
    const e = status('status-delivered-bsuid-only');
    expect(e.recipient).toEqual({
      waId: null,
      userId: 'GB.70000000000000000321',
      parentUserId: 'GB.ENT.90000000000000000654',
      username: '@theo.varga',
      profileName: 'Theo Varga',
    });
    expect(e.pricing).toEqual({ billable: false, category: 'service', pricingModel: 'PMP', type: 'free_customer_service' });
  });

  it('reads both parent BSUID spellings on the status itself, without contacts', () => {
    const read = (statusPatch: Record<string, unknown>): StatusEvent => {
      const payload = load('status-delivered-bsuid-only') as { entry: { changes: { value: { contacts?: unknown; statuses: Record<string, unknown>[] } }[] }[] };
      const value = payload.entry[0]!.changes[0]!.value;
      delete value.contacts;
      delete value.statuses[0]!.parent_user_id;
      Object.assign(value.statuses[0]!, statusPatch);
      return parseWebhook(payload).events[0] as StatusEvent;
    };
    expect(read({ parent_user_id: 'GB.ENT.P1' }).recipient).toEqual({ waId: null, userId: 'GB.70000000000000000321', parentUserId: 'GB.ENT.P1', username: null, profileName: null });
    expect(read({ parent_recipient_user_id: 'GB.ENT.P2' }).recipient.parentUserId).toBe('GB.ENT.P2');
  });

  it('read (CBP): conversation without expiry, pricing without type', () => {
    const e = status('status-read');
    expect(e.status).toBe('read');
    expect(e.conversation).toEqual({ id: 'c0ffee00c0ffee00c0ffee00c0ffee02', originType: 'service', expiresAt: null });
    expect(e.pricing).toEqual({ billable: true, category: 'service', pricingModel: 'CBP', type: null });
    expect(e.recipient.profileName).toBeNull();
  });

  it('played', () => {
    const e = status('status-played');
    expect(e).toMatchObject({ status: 'played', pricing: null, conversation: null, bizOpaqueCallbackData: null });
    expect(e.recipient.profileName).toBe('Marisol Quintero');
  });

  it('failed: errors with details, numeric timestamp, extra fields survive in raw', () => {
    const e = status('status-failed');
    expect(e.status).toBe('failed');
    expect(e.timestamp).toBe(1_752_003_300_000);
    expect(e.errors).toEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ]);
    expect(e.raw).toMatchObject({ x_future_field: { nested: [1, 2, 3] }, recipient_identity_key_hash: 'aWRlbnRpdHktaGFzaA==' });
  });

  it('deleted and unknown statuses are kept, lower-cased', () => {
    const events = parseFixture('status-other-values') as StatusEvent[];
    expect(events.map((e) => [e.kind, e.status])).toEqual([
      ['status', 'deleted'],
      ['status', 'warning'],
    ]);
  });

  it('group status: recipient is the group, participant contact not borrowed', () => {
    const e = status('status-group');
    expect(e.recipient).toEqual({ waId: 'Y2FwaS1ncm91cC0wMDAx', userId: null, parentUserId: null, username: null, profileName: null });
    expect(e.raw).toMatchObject({ recipient_participant_id: '5511987650001' });
  });
});

describe('value-level errors', () => {
  it('one ValueErrorEvent with every error', () => {
    const e = only('value-errors', 'error') as ValueErrorEvent;
    expect(e.phoneNumberId).toBe(PNID);
    expect(e.errors).toEqual([
      {
        code: 130429,
        title: 'Rate limit hit',
        message: 'Rate limit hit',
        details: 'Too many messages sent from this phone number in a short period of time',
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
      { code: 131000, title: 'Something went wrong', message: 'Something went wrong', details: null, href: null },
    ]);
  });
});

describe('template events', () => {
  it('status update APPROVED, integer id → string, entry.time → ms', () => {
    expect(template('template-status-approved')).toMatchObject({
      field: 'message_template_status_update',
      phoneNumberId: null,
      templateId: '2233445566778899',
      name: 'booking_reminder',
      language: 'es_ES',
      event: 'APPROVED',
      reason: 'NONE',
      previousQuality: null,
      newQuality: null,
      timestamp: 1_752_004_000_000,
    });
  });

  it('status update REJECTED with rejection_info in raw', () => {
    const e = template('template-status-rejected');
    expect(e).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT', name: 'flash_sale' });
    expect(e.raw).toMatchObject({ rejection_info: { recommendation: 'Put descriptive text between parameters.' } });
  });

  it('quality update', () => {
    expect(template('template-quality')).toMatchObject({
      field: 'message_template_quality_update',
      templateId: '2233445566778901',
      previousQuality: 'GREEN',
      newQuality: 'RED',
      event: null,
    });
  });

  it('quality values under the mislabelled status field still fill quality', () => {
    expect(template('template-quality-mislabelled')).toMatchObject({
      field: 'message_template_status_update',
      previousQuality: 'YELLOW',
      newQuality: 'GREEN',
      event: null,
      name: 'order_shipped',
    });
  });

  it('category update', () => {
    expect(template('template-category')).toMatchObject({
      field: 'template_category_update',
      previousCategory: 'UTILITY',
      newCategory: 'MARKETING',
      language: 'fr',
      timestamp: 1_752_004_240_000,
    });
  });
});

describe('user_preferences', () => {
  it('one event per preference, value lower-cased, identity completed from contacts', () => {
    const events = parseFixture('user-preferences') as UserPreferenceEvent[];
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      kind: 'user_preference',
      phoneNumberId: PNID,
      category: 'marketing_messages',
      value: 'stop',
      description: 'User requested to stop marketing messages',
      timestamp: 1_752_005_000_000,
      user: { waId: USER, userId: 'GB.70000000000000000123', profileName: 'Marisol Quintero' },
    });
    expect(events[1]).toMatchObject({
      value: 'resume',
      user: { waId: null, userId: 'GB.70000000000000000321', parentUserId: 'GB.ENT.90000000000000000654', username: '@theo.varga' },
    });
  });
});

describe('unhandled fields', () => {
  it('become OtherEvent "unhandled field" with the value kept', () => {
    const events = parseFixture('unhandled-fields') as OtherEvent[];
    expect(events.map((e) => [e.kind, e.field, e.note])).toEqual([
      ['other', 'account_update', 'unhandled field'],
      ['other', 'phone_number_quality_update', 'unhandled field'],
    ]);
    expect(events[1]!.raw).toMatchObject({ event: 'THROUGHPUT_UPGRADE' });
  });
});

describe('batched deliveries', () => {
  it('yields one event per item across entries and changes, in order', () => {
    const events = parseFixture('batched');
    expect(events.map((e) => `${e.wabaId}/${e.kind}`)).toEqual([
      `${WABA}/message`,
      `${WABA}/message`,
      `${WABA}/message`,
      `${WABA}/status`,
      `${WABA}/status`,
      `${WABA}/error`,
      '310998877660000/template',
      '310998877660000/message',
    ]);
    const [m1, m2, m3, s1, s2] = events as [InboundMessageEvent, InboundMessageEvent, InboundMessageEvent, StatusEvent, StatusEvent];
    expect([m1.type, m2.type, m3.type]).toEqual(['text', 'image', 'text']);
    expect(m2.media?.waMediaId).toBe('7700112233440001');
    // Each message is paired with its own sender among several contacts.
    expect([m1.from.profileName, m3.from.profileName]).toEqual(['Marisol Quintero', 'Olga Petrova']);
    expect(m3.text).toBe('другой отправитель');
    expect([s1.status, s2.status, s1.waMessageId === s2.waMessageId]).toEqual(['delivered', 'read', true]);
    const t = events[6] as TemplateEvent;
    expect(t).toMatchObject({ event: 'PAUSED', timestamp: 1_752_007_010_000, phoneNumberId: null });
    const r = events[7] as InboundMessageEvent;
    expect(r).toMatchObject({ phoneNumberId: '220099887766554', reaction: { emoji: '🙏', targetWaMessageId: BIZ_OUT } });
    expect(r.from.profileName).toBe('Kenji Watanabe');
  });
});

describe('garbage never throws', () => {
  const garbage: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['array', []],
    ['string', 'str'],
    ['number', 42],
    ['entry is a string', { object: 'whatsapp_business_account', entry: 'x' }],
    ['no entry', { object: 'whatsapp_business_account' }],
  ];
  for (const [label, input] of garbage) {
    it(`${label} → a problem and no events`, () => {
      const r = parseWebhook(input);
      expect(r.events).toEqual([]);
      expect(r.problems.length).toBeGreaterThan(0);
    });
  }

  it('non-object payloads name the problem', () => {
    expect(parseWebhook(null)).toEqual({ object: null, events: [], problems: ['payload is not a JSON object'] });
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: 'x' }).problems).toEqual(['payload has no entry[] array']);
  });

  it('entries without changes, non-object entries and changes', () => {
    const r = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [{ id: '1' }, { id: '2', changes: 'nope' }, 7, null, { id: '3', changes: [null, 'x', { field: 'messages' }] }],
    });
    expect(r.problems).toEqual([
      'entry[0] has no changes[] array',
      'entry[1] has no changes[] array',
      'entry[2] is not an object',
      'entry[3] is not an object',
      'entry[4].changes[0] is not an object',
      'entry[4].changes[1] is not an object',
    ]);
    expect(r.events).toEqual([
      { wabaId: '3', field: 'messages', phoneNumberId: null, displayPhoneNumber: null, kind: 'other', note: 'change without value object', raw: { field: 'messages' } },
    ]);
  });

  it('a different object type is reported but still parsed', () => {
    const r = parseWebhook({ object: 'page', entry: [] });
    expect(r.object).toBe('page');
    expect(r.problems).toEqual(['unexpected object "page" (expected "whatsapp_business_account")']);
  });

  it('broken items inside a messages value are kept, not dropped', () => {
    const r = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '9',
          changes: [
            { field: 'messages', value: { messages: [null, { id: 'wamid.x', type: 'text', text: { body: 'no ts' } }], statuses: 'bad' } },
            { field: 'messages', value: { metadata: { phone_number_id: '1' } } },
            { value: { a: 1 } },
            { field: 'user_preferences', value: { user_preferences: [5] } },
          ],
        },
      ],
    });
    expect(r.events.map((e) => (e.kind === 'other' ? `other:${e.note}` : e.kind))).toEqual([
      'other:value.statuses is not an array',
      'other:message is not an object',
      'message',
      'other:messages change without messages, statuses or errors',
      'other:change without field',
      'other:user preference is not an object',
    ]);
    const m = r.events[2] as InboundMessageEvent;
    expect(m).toMatchObject({ waMessageId: 'wamid.x', timestamp: 0, text: 'no ts', from: { waId: null, userId: null } });
    expect(r.problems).toEqual(['entry[0].changes[0].messages[1] has no valid timestamp']);
  });

  it('wrongly typed fields inside a message degrade to null instead of throwing', () => {
    const r = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '9',
          time: 1700000000,
          changes: [
            {
              field: 'messages',
              value: {
                contacts: 'x',
                messages: [
                  { id: 'a', timestamp: 'soon', type: 'image', image: 'x', context: 5, referral: [], errors: 'e' },
                  { id: 'b', timestamp: '1', type: 'location', location: { latitude: 'north', longitude: 1 } },
                  { id: 'c', timestamp: '1', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: 12 } } },
                  { id: 'd', timestamp: '1', type: 'reaction', reaction: {} },
                  { id: 'e', timestamp: '1', type: 'edit', edit: { message: 'x' } },
                  { id: 'f', timestamp: '1', type: 'order', order: { product_items: [null, { quantity: 'many' }] } },
                ],
              },
            },
          ],
        },
      ],
    });
    const [a, b, c, d, e, f] = r.events as InboundMessageEvent[];
    expect(a).toMatchObject({ timestamp: 1_700_000_000_000, media: null, context: null, referral: null, errors: [] });
    expect(b!.location).toBeNull();
    expect(c!.interactive).toMatchObject({ type: 'nfm_reply', response: null });
    expect(d!.reaction).toBeNull();
    expect(e).toMatchObject({ type: 'edit', edit: null, text: null });
    expect(f!.order?.items).toEqual([{ productRetailerId: '', quantity: 0, itemPrice: null, currency: null }]);
    expect(r.problems).toEqual(['entry[0].changes[0].messages[0] has no valid timestamp']);
  });

  it('a throwing getter on the payload itself is reported, not thrown', () => {
    const r = parseWebhook({
      object: 'whatsapp_business_account',
      get entry(): unknown {
        throw new Error('no entries today');
      },
    });
    expect(r).toEqual({ object: null, events: [], problems: ['parser error: no entries today'] });
  });

  it('a throwing getter costs only its own entry', () => {
    const hostile = {
      id: 'h',
      get changes(): unknown {
        throw new Error('boom');
      },
    };
    const goodEntry = (load('text') as { entry: unknown[] }).entry[0];
    const r = parseWebhook({ object: 'whatsapp_business_account', entry: [hostile, goodEntry] });
    expect(r.problems).toEqual(['entry[0]: parser error: boom']);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.kind).toBe('message');
  });
});
