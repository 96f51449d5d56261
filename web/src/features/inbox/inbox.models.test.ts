import { describe, expect, it } from 'vitest';
import {
  effectiveValues,
  groupTemplates,
  mappingHint,
  mediaHeaderKind,
  mediaPlaceholder,
  missingSlots,
  preferredLanguage,
  preview,
  renderTemplate,
  shownValue,
  slotInputs,
  slotsNamedIn,
  statusTicks,
  templateGroupLabel,
  valuesToSend,
  windowLeft,
  type PickableTemplate,
} from './inbox.models';

describe('inbox models', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('counts the service window down and closes it', () => {
    expect(windowLeft(new Date(now + (23 * 60 + 14) * 60_000).toISOString(), now)).toBe('23h 14m left');
    expect(windowLeft(new Date(now + 12 * 60_000 + 5_000).toISOString(), now)).toBe('12m left');
    expect(windowLeft(new Date(now + 20_000).toISOString(), now)).toBe('1m left');
    expect(windowLeft(new Date(now - 1).toISOString(), now)).toBeNull();
    expect(windowLeft(null, now)).toBeNull();
  });
  it('maps statuses to ticks', () => {
    expect(statusTicks('sent').text).toBe('✓');
    expect(statusTicks('delivered')).toMatchObject({ text: '✓✓', read: false });
    expect(statusTicks('read')).toMatchObject({ text: '✓✓', read: true });
    expect(statusTicks('failed').label).toBe('Failed');
  });
  it('previews the last message', () => {
    expect(preview({ type: 'text', text: 'hi', direction: 'outbound' })).toBe('You: hi');
    expect(preview({ type: 'location', text: null, direction: 'inbound' })).toBe('📍 Location');
    expect(preview(null)).toBe('No messages yet');
  });
});

describe('timeline and templates', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  it('interleaves notes with messages by time and separates days', async () => {
    const { timeline } = await import('./inbox.models');
    const items = timeline(
      [
        { id: 'm2', timestamp: new Date(now - 60_000).toISOString() },
        { id: 'm1', timestamp: new Date(now - 86_400_000 - 60_000).toISOString() },
      ],
      [{ id: 'n1', createdAt: new Date(now - 30_000).toISOString() }],
      now,
    );
    expect(items.map((i) => (i.kind === 'day' ? i.label : i.item.id))).toEqual(['Yesterday', 'm1', 'Today', 'm2', 'n1']);
  });
  it('formats file sizes', async () => {
    const { formatSize } = await import('./inbox.models');
    expect(formatSize(2_500_000)).toBe('2.4 MB');
    expect(formatSize(300)).toBe('1 KB');
  });
});

describe('SLA badges', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const sla = (s: Partial<{ firstResponseDueAt: string | null; firstResponseBreached: boolean; resolutionDueAt: string | null; resolutionBreached: boolean }>) => ({
    firstResponseDueAt: null,
    firstResponseBreached: false,
    resolutionDueAt: null,
    resolutionBreached: false,
    ...s,
  });
  it('formats countdowns', async () => {
    const { formatDuration } = await import('./inbox.models');
    expect(formatDuration(20_000)).toBe('<1m');
    expect(formatDuration(-5_000)).toBe('<1m');
    expect(formatDuration(12 * 60_000 + 59_000)).toBe('12m');
    expect(formatDuration(185 * 60_000)).toBe('3h 5m');
    expect(formatDuration(120 * 60_000)).toBe('2h');
    expect(formatDuration((52 * 60 + 30) * 60_000)).toBe('2d 4h');
    expect(formatDuration(48 * 3_600_000)).toBe('2d');
  });
  it('counts down to the first reply, then to resolution, and says when a clock has passed', async () => {
    const { slaBadge } = await import('./inbox.models');
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(12), resolutionDueAt: at(600) }) }, now)).toEqual({ label: 'Reply in 12m', breached: false, soon: true });
    expect(slaBadge({ status: 'open', firstResponseAt: at(-5), sla: sla({ firstResponseDueAt: at(12), resolutionDueAt: at(185) }) }, now)).toEqual({ label: 'Resolve in 3h 5m', breached: false, soon: false });
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(30), firstResponseBreached: false, resolutionBreached: true }) }, now)?.label).toBe('SLA breached');
    // Ran out since the list was fetched.
    expect(slaBadge({ status: 'pending', firstResponseAt: null, sla: sla({ firstResponseDueAt: at(-1) }) }, now)).toMatchObject({ label: 'SLA breached', breached: true });
  });
  it('shows nothing without targets or once resolved', async () => {
    const { slaBadge } = await import('./inbox.models');
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: null }, now)).toBeNull();
    expect(slaBadge({ status: 'open', firstResponseAt: null, sla: sla({}) }, now)).toBeNull();
    expect(slaBadge({ status: 'resolved', firstResponseAt: null, sla: sla({ resolutionBreached: true }) }, now)).toBeNull();
  });
});

describe('sending a template from the inbox', () => {
  // welcome_offer: a text-header variable, a body variable, URL + COPY_CODE + QUICK_REPLY buttons.
  const welcome = {
    id: 'tpl_welcome',
    name: 'welcome_offer',
    language: 'en',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Welcome, {{1}}!' },
      { type: 'BODY', text: 'Here is {{1}} off your first order.' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Shop now', url: 'https://shop.example.com/welcome/{{1}}' },
          { type: 'COPY_CODE' },
          { type: 'QUICK_REPLY', text: 'Not interested' },
        ],
      },
    ],
    slots: [
      { id: 'header.1', component: 'header', kind: 'text', name: '1', example: 'Pablo' },
      { id: 'body.1', component: 'body', kind: 'text', name: '1', example: '15%' },
      { id: 'button.0', component: 'button', kind: 'url', name: '1', buttonIndex: 0, example: 'abc123' },
      { id: 'button.1', component: 'button', kind: 'copy_code', name: '1', buttonIndex: 1, example: 'WELCOME15' },
      { id: 'button.2', component: 'button', kind: 'quick_reply', name: '1', buttonIndex: 2, example: 'Not interested' },
    ],
  } satisfies PickableTemplate;
  const promo = {
    id: 'tpl_promo',
    name: 'spring_promo',
    language: 'en',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Spring is here, {{1}}!' },
    ],
    slots: [
      { id: 'header.1', component: 'header', kind: 'image', name: '1' },
      { id: 'body.1', component: 'body', kind: 'text', name: '1' },
    ],
  } satisfies PickableTemplate;
  const named = {
    id: 'tpl_appt',
    name: 'appointment_reminder',
    language: 'en_US',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'See you soon, {{first_name}}' },
      { type: 'BODY', text: 'Hi {{first_name}}, your appointment is on {{date}}.' },
      { type: 'FOOTER', text: 'Reply to reschedule' },
      { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call us' }] },
    ],
    slots: [
      { id: 'header.first_name', component: 'header', kind: 'text', name: 'first_name' },
      { id: 'body.first_name', component: 'body', kind: 'text', name: 'first_name' },
      { id: 'body.date', component: 'body', kind: 'text', name: 'date' },
    ],
  } satisfies PickableTemplate;

  it('groups templates by name with their languages and prefers the contact’s language', () => {
    const groups = groupTemplates([
      { name: 'spring_promo', language: 'pt_BR' },
      { name: 'order_update', language: 'en' },
      { name: 'spring_promo', language: 'en' },
    ]);
    expect(groups.map(templateGroupLabel)).toEqual(['order_update (en)', 'spring_promo (en, pt_BR)']);
    expect(preferredLanguage(['en', 'pt_BR'], 'pt-br')).toBe('pt_BR');
    expect(preferredLanguage(['en', 'pt', 'pt_PT'], 'pt_BR')).toBe('pt');
    expect(preferredLanguage(['en', 'pt_PT'], 'pt_BR')).toBe('pt_PT');
    expect(preferredLanguage(['en', 'pt_BR'], 'de')).toBe('en');
    expect(preferredLanguage(['en', 'pt_BR'], null)).toBe('en');
    expect(preferredLanguage([], 'en')).toBeUndefined();
  });

  it('turns slots into inputs: header and body variables, link ending, coupon code, optional reply payloads; media headers are files', () => {
    expect(slotInputs(welcome)).toEqual([
      { id: 'header.1', kind: 'text', label: 'Header {{1}}', optional: false, example: 'Pablo' },
      { id: 'body.1', kind: 'text', label: 'Variable {{1}}', optional: false, example: '15%' },
      { id: 'button.0', kind: 'url', label: 'Button 1 link ending', optional: false, example: 'abc123', prefix: 'https://shop.example.com/welcome/' },
      { id: 'button.1', kind: 'copy_code', label: 'Button 2 coupon code', optional: false, example: 'WELCOME15' },
      { id: 'button.2', kind: 'quick_reply', label: 'Reply payload for “Not interested”', optional: true, example: 'Not interested' },
    ]);
    expect(slotInputs(named).map((i) => i.label)).toEqual(['Header {{first_name}}', 'Variable {{first_name}}', 'Variable {{date}}']);
    expect(slotInputs(promo).map((i) => i.id)).toEqual(['body.1']);
    expect(mediaHeaderKind(promo)).toBe('image');
    expect(mediaHeaderKind(welcome)).toBeNull();
    expect(slotInputs({ components: [], slots: undefined })).toEqual([]);
  });

  it('prefills from the mapping, lets typing win, and sends only non-empty values of known slots', () => {
    const inputs = slotInputs(welcome);
    const mapped = { 'header.1': 'Ana', 'button.1': 'WELCOME15' };
    const typed = { 'header.1': '  Ana Maria ', 'body.1': '20%', 'button.1': '', 'button.0': '   ', 'body.unknown': 'x' };
    expect(shownValue('header.1', {}, mapped)).toBe('Ana');
    expect(shownValue('button.1', typed, mapped)).toBe('');
    expect(shownValue('button.2', typed, mapped)).toBe('');
    expect(valuesToSend(inputs, typed, mapped)).toEqual({ 'header.1': 'Ana Maria', 'body.1': '20%' });
    expect(valuesToSend(inputs, {}, mapped)).toEqual({ 'header.1': 'Ana', 'button.1': 'WELCOME15' });
    // A cleared field goes back to what the mapping gives (the server fills it the same way).
    expect(effectiveValues(typed, mapped)).toMatchObject({ 'header.1': 'Ana Maria', 'body.1': '20%', 'button.1': 'WELCOME15' });
    expect(effectiveValues(typed, mapped)['button.0']).toBeUndefined();
  });

  it('lists required slots still empty: quick replies are optional, a media header needs a file', () => {
    expect(missingSlots(welcome.slots, { 'header.1': 'Ana' }, null).map((s) => s.id)).toEqual(['body.1', 'button.0', 'button.1']);
    expect(missingSlots(welcome.slots, { 'header.1': 'Ana', 'body.1': '5%', 'button.0': 'x', 'button.1': 'C' }, null)).toEqual([]);
    expect(missingSlots(promo.slots, { 'body.1': 'Ana' }, null).map((s) => s.id)).toEqual(['header.1']);
    expect(missingSlots(promo.slots, { 'body.1': 'Ana' }, 'med_1')).toEqual([]);
    // The preview's values carry the mapping's media id for a media header.
    expect(missingSlots(promo.slots, { 'body.1': 'Ana', 'header.1': 'med_saved' }, null)).toEqual([]);
  });

  it('renders the bubble as the customer sees it, missing values left as placeholders', () => {
    expect(renderTemplate(welcome, { 'header.1': 'Ana', 'button.0': 'a1' }, null)).toEqual({
      header: { type: 'text', text: 'Welcome, Ana!' },
      body: 'Here is {{1}} off your first order.',
      footer: null,
      buttons: [
        { type: 'url', text: 'Shop now', url: 'https://shop.example.com/welcome/a1' },
        { type: 'copy_code', text: 'Copy offer code' },
        { type: 'quick_reply', text: 'Not interested' },
      ],
    });
    expect(renderTemplate(named, { 'body.first_name': 'Ana', 'body.date': 'May 4' }, null)).toMatchObject({
      header: { type: 'text', text: 'See you soon, {{first_name}}' },
      body: 'Hi Ana, your appointment is on May 4.',
      footer: 'Reply to reschedule',
      buttons: [{ type: 'phone_number', text: 'Call us' }],
    });
    expect(renderTemplate(promo, {}, 'med_1').header).toEqual({ type: 'image', mediaId: 'med_1' });
    expect(renderTemplate({ components: [{ type: 'BODY', text: 'Order {{1}} is {{2}}.' }] }, { 'body.1': '#1042' }, null).body).toBe('Order #1042 is {{2}}.');
  });

  it('finds the slots a server error names, and says where mapped values come from', () => {
    const ids = ['header.1', 'body.1', 'body.10', 'button.0'];
    expect(slotsNamedIn('Template welcome_offer (en): no value for body.1, button.0. Map them to a field.', ids)).toEqual(['body.1', 'button.0']);
    expect(slotsNamedIn('no value for body.10', ids)).toEqual(['body.10']);
    expect(slotsNamedIn('Something else went wrong.', ids)).toEqual([]);
    expect(mappingHint({ source: 'contact', field: 'first_name' })).toBe('From the contact’s first name');
    expect(mappingHint({ source: 'contact_custom', field: 'loyalty_tier' })).toBe('From the contact’s loyalty_tier');
    expect(mappingHint({ source: 'deal', field: 'amount' })).toBe('From the contact’s open deal: amount');
    expect(mappingHint({ source: 'fixed', value: 'x' })).toBeNull();
    expect(mappingHint(undefined)).toBeNull();
  });
});

describe('media placeholder', () => {
  it('says why a message shows no media: downloading, failed, or removed by retention on a day', () => {
    expect(mediaPlaceholder({ state: 'pending', error: null })).toBe('Downloading…');
    expect(mediaPlaceholder({ state: 'failed', error: 'Expired at Meta' })).toBe('Media unavailable: Expired at Meta');
    const purgedAt = '2026-03-01T12:00:00.000Z';
    const text = mediaPlaceholder({ state: 'purged', error: 'Media removed after 90 days (retention)', purgedAt });
    expect(text).toBe(`Media removed after 90 days (retention) on ${new Date(purgedAt).toLocaleDateString()}`);
    expect(mediaPlaceholder({ state: 'purged', error: null, purgedAt: null })).toBe('Media removed (retention)');
  });
});
