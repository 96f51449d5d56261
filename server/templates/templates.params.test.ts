import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import {
  assertTemplateSendable,
  buildTemplateComponents,
  pickTemplateLanguage,
  renderTemplatePreview,
  templateSlots,
  validateTemplateComponents,
  type TemplateShape,
} from './templates.params.js';

const shape = (components: unknown[], over: Partial<TemplateShape> = {}): TemplateShape => ({
  name: 'tpl',
  language: 'en',
  status: 'APPROVED',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  components,
  ...over,
});

const textHeader = shape([
  { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#12345'] } },
  { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Pablo', '#12345']] } },
  { type: 'FOOTER', text: 'Reply STOP to opt out' },
]);
const mediaHeader = (format: string) =>
  shape([
    { type: 'HEADER', format, example: { header_handle: ['https://example.com/h.bin'] } },
    { type: 'BODY', text: 'Our new catalogue is here.' },
  ]);
const named = shape(
  [
    { type: 'HEADER', format: 'TEXT', text: 'For {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }] } },
    {
      type: 'BODY',
      text: 'Hi {{first_name}}, see you on {{date}}.',
      example: { body_text_named_params: [{ param_name: 'first_name', example: 'Pablo' }, { param_name: 'date', example: 'May 4' }] },
    },
  ],
  { parameterFormat: 'NAMED' },
);
const buttons = shape([
  { type: 'BODY', text: 'Your offer is ready.' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'URL', text: 'Shop', url: 'https://shop.example.com/o/{{1}}', example: ['https://shop.example.com/o/abc'] },
      { type: 'QUICK_REPLY', text: 'Stop promotions' },
      { type: 'COPY_CODE', example: 'SAVE20' },
      { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001234' },
      { type: 'URL', text: 'Terms', url: 'https://shop.example.com/terms' },
    ],
  },
]);
const noSlots = shape([{ type: 'BODY', text: 'Welcome!' }]);

const body = (...texts: string[]) => ({ type: 'body', parameters: texts.map((text) => ({ type: 'text', text })) });
const header = (text: string) => ({ type: 'header', parameters: [{ type: 'text', text }] });
const button = (index: number | string, sub_type: string, parameters: unknown[]) => ({ type: 'button', sub_type, index: String(index), parameters });
const url = (text: string) => button(0, 'url', [{ type: 'text', text }]);
const coupon = (code: string) => button(2, 'copy_code', [{ type: 'coupon_code', coupon_code: code }]);

/** The 422 a validation throws (or null when the send is valid). */
function invalid(t: TemplateShape, components: unknown[] | undefined): AppError | null {
  try {
    validateTemplateComponents(t, components);
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return err;
  }
}

describe('templateSlots', () => {
  it('lists a slot per header, body and button parameter, with Meta’s examples', () => {
    expect(templateSlots(textHeader)).toEqual([
      { id: 'header.1', component: 'header', kind: 'text', name: '1', example: '#12345' },
      { id: 'body.1', component: 'body', kind: 'text', name: '1', example: 'Pablo' },
      { id: 'body.2', component: 'body', kind: 'text', name: '2', example: '#12345' },
    ]);
    for (const [format, kind] of [['IMAGE', 'image'], ['VIDEO', 'video'], ['DOCUMENT', 'document']]) {
      expect(templateSlots(mediaHeader(format!))).toEqual([{ id: 'header.1', component: 'header', kind, name: '1', example: 'https://example.com/h.bin' }]);
    }
    expect(templateSlots(named).map((s) => [s.id, s.example])).toEqual([
      ['header.first_name', 'Pablo'],
      ['body.first_name', 'Pablo'],
      ['body.date', 'May 4'],
    ]);
    // Static URL and phone buttons have nothing to fill; the URL example is cut to the dynamic suffix.
    expect(templateSlots(buttons)).toEqual([
      { id: 'button.0', component: 'button', kind: 'url', name: '1', buttonIndex: 0, example: 'abc' },
      { id: 'button.1', component: 'button', kind: 'quick_reply', name: '1', buttonIndex: 1, example: 'Stop promotions' },
      { id: 'button.2', component: 'button', kind: 'copy_code', name: '1', buttonIndex: 2, example: 'SAVE20' },
    ]);
    expect(templateSlots(noSlots)).toEqual([]);
  });

  it('orders positional placeholders by number, whatever their order in the text', () => {
    expect(templateSlots(shape([{ type: 'BODY', text: '{{2}} then {{1}} and {{10}}' }])).map((s) => s.id)).toEqual(['body.1', 'body.2', 'body.10']);
  });
});

describe('validateTemplateComponents', () => {
  it('accepts well-formed sends of every component type', () => {
    expect(invalid(textHeader, [header('#1'), body('Pablo', '#1')])).toBeNull();
    for (const kind of ['image', 'video', 'document']) {
      expect(invalid(mediaHeader(kind.toUpperCase()), [{ type: 'header', parameters: [{ type: kind, [kind]: { id: '123' } }] }])).toBeNull();
    }
    expect(invalid(mediaHeader('IMAGE'), [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] }])).toBeNull();
    expect(invalid(shape([{ type: 'HEADER', format: 'LOCATION' }]), [{ type: 'HEADER', parameters: [{ type: 'location', location: { latitude: '37.4', longitude: -122.1 } }] }])).toBeNull();
    const p = (parameter_name: string, text: string) => ({ type: 'text', parameter_name, text });
    expect(invalid(named, [{ type: 'header', parameters: [p('first_name', 'Ana')] }, { type: 'body', parameters: [p('date', 'May 4'), p('first_name', 'Ana')] }])).toBeNull();
    expect(invalid(buttons, [url('abc'), button('1', 'quick_reply', [{ type: 'payload', payload: 'STOP' }]), coupon('SAVE20')])).toBeNull();
    expect(invalid(buttons, [url('abc'), coupon('SAVE20')])).toBeNull(); // quick replies are optional
    expect(invalid(noSlots, undefined)).toBeNull();
    expect(invalid(noSlots, [])).toBeNull();
  });

  it('answers 422 templates.invalid_parameters naming the template, component and index', () => {
    const err = invalid(textHeader, [header('#1'), body('Pablo')]);
    expect(err).toMatchObject({ status: 422, code: 'templates.invalid_parameters' });
    expect(err!.message).toBe('Template tpl (en): body parameter 2 is missing.');
  });

  it.each([
    ['no components for a template with slots', textHeader, undefined, /header parameter 1 is missing/],
    ['a body parameter missing', textHeader, [header('#1'), body('Pablo')], /body parameter 2 is missing/],
    ['too many body parameters', textHeader, [header('#1'), body('a', 'b', 'c')], /body has 3 parameters, but the template has 2/],
    ['parameters for a template without any', noSlots, [body('x')], /body takes no parameters, but 1 was given/],
    ['a header for a template without one', noSlots, [header('x')], /header takes no parameters/],
    ['the body twice', textHeader, [header('#1'), body('a', 'b'), body('a', 'b')], /body is given twice/],
    ['a component the template lacks', noSlots, [{ type: 'carousel', cards: [] }], /no carousel component/],
    ['a body parameter of the wrong type', textHeader, [header('#1'), { type: 'body', parameters: [{ type: 'image', image: { id: '1' } }, { type: 'text', text: 'b' }] }], /body parameter 1 must be of type text, currency, date_time, not "image"/],
    ['currency in a header', textHeader, [{ type: 'header', parameters: [{ type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } }] }, body('a', 'b')], /header parameter 1 must be of type text/],
    ['a bad currency', textHeader, [header('#1'), { type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1000 } }, { type: 'text', text: 'b' }] }], /body parameter 1 needs an ISO 4217 currency code/],
    ['an empty body parameter', textHeader, [header('#1'), body('a', ' ')], /body parameter 2 is empty/],
    ['no media for an image header', mediaHeader('IMAGE'), [], /header needs an image$|header needs an image\./],
    ['text for a video header', mediaHeader('VIDEO'), [header('x')], /header needs a video, not "text"/],
    ['an image for a document header', mediaHeader('DOCUMENT'), [{ type: 'header', parameters: [{ type: 'image', image: { id: '1' } }] }], /header needs a document, not "image"/],
    ['a media header without id or link', mediaHeader('IMAGE'), [{ type: 'header', parameters: [{ type: 'image', image: {} }] }], /header image needs an uploaded media id or an https link/],
    ['a named parameter without its name', named, [{ type: 'header', parameters: [{ type: 'text', text: 'Ana' }] }], /header parameter 1 needs a parameter_name/],
    ['an unknown named parameter', named, [{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] }, { type: 'body', parameters: [{ type: 'text', parameter_name: 'day', text: 'x' }] }], /body parameter "day" is not in the template \(it has first_name, date\)/],
    ['a named parameter missing', named, [{ type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] }, { type: 'body', parameters: [{ type: 'text', parameter_name: 'date', text: 'x' }] }], /body parameter "first_name" is missing/],
    ['the url button missing', buttons, [coupon('SAVE20')], /button 0 \(url\) needs one text parameter/],
    ['the copy_code button missing', buttons, [url('abc')], /button 2 \(copy_code\) needs one coupon_code parameter/],
    ['a url button without parameters', buttons, [button(0, 'url', []), coupon('X')], /button 0 \(url\) needs one text parameter/],
    ['a quick reply with a text parameter', buttons, [url('a'), coupon('X'), button(1, 'quick_reply', [{ type: 'text', text: 'x' }])], /button 1 \(quick_reply\) needs one payload parameter/],
    ['the wrong sub_type', buttons, [button(0, 'quick_reply', [{ type: 'payload', payload: 'x' }]), coupon('X')], /button 0 is a url button, not "quick_reply"/],
    ['an index past the buttons', buttons, [url('a'), coupon('X'), button(9, 'url', [{ type: 'text', text: 'x' }])], /button 9 is not in the template \(it has 5 buttons\)/],
    ['an index that is not a number', buttons, [button('first', 'url', [])], /button component 0 needs an index/],
    ['a button given twice', buttons, [url('a'), url('b')], /button 0 is given twice/],
    ['a phone button with parameters', buttons, [url('a'), coupon('X'), button(3, 'phone_number', [])], /button 3 \(phone_number\) takes no parameters/],
    ['a static url button with a suffix', buttons, [url('a'), coupon('X'), button(4, 'url', [{ type: 'text', text: 'x' }])], /button 4 \(url\) has a fixed URL/],
  ])('refuses %s', (_name, t, components, message) => {
    const err = invalid(t, components as unknown[] | undefined);
    expect(err?.code).toBe('templates.invalid_parameters');
    expect(err!.message).toMatch(message);
  });

  it('enforces Meta’s length and whitespace rules', () => {
    // Header: "Order " is 6 characters, so a 54-character value makes exactly 60.
    expect(invalid(textHeader, [header('x'.repeat(54)), body('a', 'b')])).toBeNull();
    expect(invalid(textHeader, [header('x'.repeat(55)), body('a', 'b')])!.message).toMatch(/header is 61 characters once filled in; WhatsApp allows 60/);
    // Body: the parameters may add up to 1024 minus the fixed text.
    const fixed = 'Hi , your order  has shipped.'.length;
    expect(invalid(textHeader, [header('1'), body('a'.repeat(1024 - fixed - 1), 'b')])).toBeNull();
    expect(invalid(textHeader, [header('1'), body('a'.repeat(1024 - fixed), 'b')])!.message).toMatch(/body is 1025 characters once filled in; WhatsApp allows 1024/);
    expect(invalid(textHeader, [header('1'), body('two\nlines', 'b')])!.message).toMatch(/body parameter 1 contains a new line or tab/);
    expect(invalid(textHeader, [header('1'), body('a', 'tab\there')])!.message).toMatch(/body parameter 2 contains a new line or tab/);
    expect(invalid(textHeader, [header('1'), body('a    b', 'b')])).toBeNull(); // four spaces are fine
    expect(invalid(textHeader, [header('1'), body('a     b', 'b')])!.message).toMatch(/body parameter 1 has more than 4 consecutive spaces/);
    expect(invalid(buttons, [url('a'), coupon('X'.repeat(15))])).toBeNull();
    expect(invalid(buttons, [url('a'), coupon('X'.repeat(16))])!.message).toMatch(/button 2 \(copy_code\) coupon code is 16 characters; WhatsApp allows 15/);
    expect(invalid(buttons, [url('a'.repeat(2001)), coupon('X')])!.message).toMatch(/button 0 \(url\) URL suffix is 2001 characters; WhatsApp allows 2000/);
    const payload = (p: string) => [url('a'), coupon('X'), button(1, 'quick_reply', [{ type: 'payload', payload: p }])];
    expect(invalid(buttons, payload('p'.repeat(256)))).toBeNull();
    expect(invalid(buttons, payload('p'.repeat(257)))!.message).toMatch(/button 1 \(quick_reply\) payload is 257 characters; WhatsApp allows 256/);
  });

  it('accepts currency and date_time for body slots, counting their fallback text', () => {
    const ok = invalid(textHeader, [
      header('1'),
      { type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } }, { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } }] },
    ]);
    expect(ok).toBeNull();
    const empty = invalid(textHeader, [header('1'), { type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'date_time', date_time: { fallback_value: '' } }] }]);
    expect(empty!.message).toMatch(/body parameter 2 is empty/);
  });
});

describe('assertTemplateSendable', () => {
  it.each([
    ['PAUSED', /is PAUSED: Meta paused it because of low quality \(error 132015\)/],
    ['DISABLED', /is DISABLED: Meta disabled it after it was paused too many times \(error 132016\)/],
    ['PENDING', /is PENDING: Meta is still reviewing it/],
    ['REJECTED', /is REJECTED: Meta rejected it/],
  ])('refuses %s with 422 templates.not_approved', (status, message) => {
    expect(() => assertTemplateSendable({ ...noSlots, status })).toThrow(expect.objectContaining({ status: 422, code: 'templates.not_approved', message: expect.stringMatching(message) }));
  });

  it('lets approved templates through', () => {
    expect(() => assertTemplateSendable(noSlots)).not.toThrow();
  });
});

describe('buildTemplateComponents', () => {
  it('builds what validation accepts, with names for NAMED templates and ids or links for media', () => {
    const built = buildTemplateComponents(named, { 'header.first_name': 'Ana', 'body.first_name': 'Ana', 'body.date': 'May 4' });
    expect(built).toEqual([
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }, { type: 'text', parameter_name: 'date', text: 'May 4' }] },
    ]);
    expect(invalid(named, built)).toBeNull();
    expect(buildTemplateComponents(mediaHeader('VIDEO'), {}, { waMediaId: 'WA1' })).toEqual([{ type: 'header', parameters: [{ type: 'video', video: { id: 'WA1' } }] }]);
    expect(buildTemplateComponents(mediaHeader('IMAGE'), { 'header.1': 'https://example.com/a.jpg' })).toEqual([{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] }]);
    expect(buildTemplateComponents(shape([{ type: 'HEADER', format: 'LOCATION' }]), { 'header.1': '51.5, -0.12' })).toEqual([
      { type: 'header', parameters: [{ type: 'location', location: { latitude: '51.5', longitude: '-0.12' } }] },
    ]);
    const withButtons = buildTemplateComponents(buttons, { 'button.0': 'abc', 'button.2': 'SAVE20' });
    expect(withButtons).toEqual([url('abc'), coupon('SAVE20')]); // no quick reply value: left out
    expect(invalid(buttons, withButtons)).toBeNull();
    expect(buildTemplateComponents(buttons, { 'button.0': 'a', 'button.1': 'STOP', 'button.2': 'X' })[1]).toEqual(button(1, 'quick_reply', [{ type: 'payload', payload: 'STOP' }]));
    expect(buildTemplateComponents(noSlots, {})).toEqual([]);
  });

  it('sends a missing value empty, so validation names it', () => {
    expect(invalid(textHeader, buildTemplateComponents(textHeader, { 'header.1': '#1', 'body.1': 'Ana' }))!.message).toMatch(/body parameter 2 is empty/);
  });
});

describe('renderTemplatePreview', () => {
  it('shows the filled-in text, {{n}} where a value is missing, the footer and final button URLs', () => {
    expect(renderTemplatePreview(textHeader, { 'header.1': '#42', 'body.1': 'Ana' })).toEqual({
      header: { type: 'text', text: 'Order #42' },
      body: 'Hi Ana, your order {{2}} has shipped.',
      footer: 'Reply STOP to opt out',
      buttons: [],
    });
    expect(renderTemplatePreview(buttons, { 'button.0': 'abc' })).toEqual({
      header: null,
      body: 'Your offer is ready.',
      footer: null,
      buttons: [
        { type: 'url', text: 'Shop', url: 'https://shop.example.com/o/abc' },
        { type: 'quick_reply', text: 'Stop promotions' },
        { type: 'copy_code', text: 'Copy offer code' },
        { type: 'phone_number', text: 'Call us' },
        { type: 'url', text: 'Terms', url: 'https://shop.example.com/terms' },
      ],
    });
    expect(renderTemplatePreview(buttons, {}).buttons[0]!.url).toBe('https://shop.example.com/o/{{1}}');
    expect(renderTemplatePreview(mediaHeader('IMAGE'), {}, 'med_1').header).toEqual({ type: 'image', mediaId: 'med_1' });
    expect(renderTemplatePreview(mediaHeader('DOCUMENT'), {}).header).toEqual({ type: 'document', mediaId: null });
    expect(renderTemplatePreview(named, { 'body.first_name': 'Ana' }).body).toBe('Hi Ana, see you on {{date}}.');
  });
});

describe('pickTemplateLanguage', () => {
  it.each([
    [['en', 'pt_BR', 'es'], 'pt_BR', 'pt_BR'],
    [['en', 'pt_BR', 'es'], 'pt-br', 'pt_BR'],
    [['en', 'PT_br'], 'pt_BR', 'PT_br'],
    [['en', 'pt_PT', 'pt'], 'pt_BR', 'pt'],
    [['en', 'pt_PT'], 'pt_BR', 'pt_PT'],
    [['en', 'pt_BR'], 'pt', 'pt_BR'],
    [['en_US', 'es'], 'es_MX', 'es'],
    [['en_US', 'es'], 'de', 'en_US'],
    [['en_US', 'es'], null, 'en_US'],
    [['en_US', 'es'], '', 'en_US'],
    [[], 'pt_BR', 'en_US'],
  ])('%j for %j → %s', (available, contact, expected) => {
    expect(pickTemplateLanguage(available, contact, 'en_US')).toBe(expected);
  });
});
