import { describe, expect, it } from 'vitest';
import type { Slot } from './templates.api';
import { bubbleModel, changeSource, cleanMapping, fillMapping, formatWhatsApp, languageName, mappingProblems, parseNumbers, qualityBadge, slotLabel, statusBadge } from './templates.models';

const slots: Slot[] = [
  { id: 'header.1', component: 'header', kind: 'image', name: '1' },
  { id: 'body.1', component: 'body', kind: 'text', name: '1', example: 'Pablo' },
  { id: 'body.first_name', component: 'body', kind: 'text', name: 'first_name' },
  { id: 'button.0', component: 'button', kind: 'url', name: '1', buttonIndex: 0 },
];

describe('badges', () => {
  it('colours review status and quality', () => {
    expect(statusBadge('APPROVED')).toEqual({ label: 'Approved', tone: 'ok' });
    expect(statusBadge('rejected').tone).toBe('bad');
    expect(statusBadge('PAUSED').tone).toBe('warn');
    expect(statusBadge('IN_APPEAL')).toEqual({ label: 'IN_APPEAL', tone: 'neutral' });
    expect(qualityBadge('RED')).toEqual({ label: 'Quality: low', tone: 'bad' });
    expect(qualityBadge('UNKNOWN').tone).toBe('neutral');
    expect(qualityBadge(null).tone).toBe('neutral');
  });
});

describe('mapping editor', () => {
  it('names slots for people', () => {
    expect(slots.map(slotLabel)).toEqual(['Header image', 'Body {{1}}', 'Body {{first_name}}', 'Button 1 link ending']);
    expect(slotLabel({ id: 'button.2', component: 'button', kind: 'copy_code', name: '1', buttonIndex: 2 })).toBe('Button 3 coupon code');
  });
  it('gives every text slot an entry, keeps what was mapped, drops unknown slots', () => {
    const m = fillMapping(slots, { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' }, 'body.9': { source: 'fixed', value: 'x' } }, headerMediaId: 'med_1' });
    expect(Object.keys(m.params)).toEqual(['body.1', 'body.first_name', 'button.0']);
    expect(m.params['body.1']).toEqual({ source: 'contact', field: 'first_name', fallback: 'there' });
    expect(m.params['body.first_name']).toEqual({ source: 'fixed', value: '' });
    expect(m.headerMediaId).toBe('med_1');
    expect(fillMapping(slots, null).headerMediaId).toBeNull();
  });
  it('resets the field when the source changes, keeping the fallback', () => {
    expect(changeSource({ source: 'contact', field: 'email', fallback: 'you' }, 'deal')).toEqual({ source: 'deal', field: '', fallback: 'you' });
    expect(changeSource({ source: 'contact', field: 'email', fallback: 'you' }, 'fixed')).toEqual({ source: 'fixed', value: '' });
    const same = { source: 'fixed' as const, value: 'a' };
    expect(changeSource(same, 'fixed')).toBe(same);
  });
  it('sends only what each source uses, trimmed', () => {
    const clean = cleanMapping(slots, {
      params: {
        'body.1': { source: 'contact', field: ' first_name ', value: 'stale', fallback: ' there ' },
        'body.first_name': { source: 'fixed', value: ' Ana ', fallback: 'unused' },
        'button.0': { source: 'deal_custom', field: 'order_no', fallback: '  ' },
      },
      headerMediaId: 'med_1',
    });
    // Not filled in yet: left out, so the preview names it missing instead of the server refusing the request.
    expect(cleanMapping(slots, { params: { 'body.1': { source: 'fixed', value: ' ' }, 'body.first_name': { source: 'contact', field: '', fallback: 'x' } } }).params).toEqual({});
    expect(clean).toEqual({
      params: {
        'body.1': { source: 'contact', field: 'first_name', fallback: 'there' },
        'body.first_name': { source: 'fixed', value: 'Ana' },
        'button.0': { source: 'deal_custom', field: 'order_no' },
      },
      headerMediaId: 'med_1',
    });
    expect(cleanMapping(slots.slice(1, 2), { params: {}, headerMediaId: 'med_1' })).toEqual({ params: {} });
  });
  it('lists what is still missing', () => {
    const m = fillMapping(slots, { params: { 'body.1': { source: 'contact', field: '' }, 'button.0': { source: 'fixed', value: 'spring' } } });
    expect(mappingProblems(slots, m)).toEqual(['Header image: choose a file.', 'Body {{1}}: choose a field.', 'Body {{first_name}}: enter a value.']);
    expect(mappingProblems(slots.slice(3), m)).toEqual([]);
    // A quick-reply payload may stay empty.
    expect(mappingProblems([{ id: 'button.0', component: 'button', kind: 'quick_reply', name: '1', buttonIndex: 0 }], { params: {} })).toEqual([]);
  });
});

describe('test numbers', () => {
  it('reads numbers separated by commas, semicolons or lines', () => {
    expect(parseNumbers('+351 912 000 101, 1 (415) 555-0101\n+351912000101;')).toEqual({ numbers: ['+351912000101', '+14155550101'], error: null });
  });
  it('refuses junk, nothing, and more than ten', () => {
    expect(parseNumbers('+351 912, call me').error).toBe('“callme” is not a phone number.');
    expect(parseNumbers(' , ').error).toBe('Enter at least one number.');
    const eleven = Array.from({ length: 11 }, (_, i) => `+35191200010${i}`).join(',');
    expect(parseNumbers(eleven)).toEqual({ numbers: [], error: 'At most 10 numbers per test.' });
  });
});

describe('preview bubble', () => {
  it('formats text the way WhatsApp does', () => {
    expect(formatWhatsApp('Hi *Ana*, _20%_ off ~old~ ```CODE1```!')).toEqual([
      { text: 'Hi ' },
      { text: 'Ana', bold: true },
      { text: ', ' },
      { text: '20%', italic: true },
      { text: ' off ' },
      { text: 'old', strike: true },
      { text: ' ' },
      { text: 'CODE1', mono: true },
      { text: '!' },
    ]);
    expect(formatWhatsApp('2 * 3 * 4')).toEqual([{ text: '2 * 3 * 4' }]); // spaces inside the marks: not bold
    expect(formatWhatsApp('')).toEqual([]);
  });
  it('builds header, body, footer and buttons', () => {
    const b = bubbleModel({
      header: { type: 'image', mediaId: 'med_1' },
      body: 'Spring is here, *Ana*!',
      footer: ' ',
      buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }, { type: 'url', text: 'Shop', url: 'https://shop.example/spring' }],
    });
    expect(b.header).toEqual({ kind: 'image', mediaId: 'med_1' });
    expect(b.body[1]).toEqual({ text: 'Ana', bold: true });
    expect(b.footer).toBeNull();
    expect(b.buttons).toEqual([{ text: 'Stop promotions', icon: '↩' }, { text: 'Shop', icon: '↗', url: 'https://shop.example/spring' }]);
    expect(bubbleModel({ header: { type: 'text', text: 'Hello' }, body: 'x', footer: 'Reply STOP', buttons: [] }).header).toEqual({ kind: 'text', text: 'Hello' });
  });
  it('names languages', () => {
    expect(languageName('en_US', 'en')).toBe('American English');
    expect(languageName('pt_BR', 'en')).toBe('Brazilian Portuguese');
    expect(languageName('zz_ZZ', 'en')).toMatch(/zz/i);
  });
});
