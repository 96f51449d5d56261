import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { parseCsv } from './contacts.csv.js';
import { findContactByIdentity } from './contacts.repository.js';

type T = ReturnType<typeof createTestContext>;
type Contact = { id: string; name: string | null; phone: string | null; email: string | null; company: string | null; reference: string | null; tags: string[]; customFields: Record<string, unknown> };

/** An admin, the US as default region, contact fields `tier` (select), `notes` (text) and `budget` (number). */
async function setup() {
  const t = createTestContext();
  const { cookie } = await t.signIn('admin');
  expect((await t.request('/api/v1/settings', { method: 'PATCH', cookie, body: { defaultRegion: 'US' } })).status).toBe(200);
  for (const field of [
    { key: 'tier', label: 'Tier', type: 'select', options: ['Gold', 'Silver'] },
    { key: 'notes', label: 'Notes', type: 'text' },
    { key: 'budget', label: 'Budget', type: 'number' },
  ]) {
    expect((await t.request('/api/v1/custom-fields', { cookie, body: { entity: 'contact', ...field } })).status).toBe(201);
  }
  const importCsv = async (body: Record<string, unknown>) => {
    const res = await t.request('/api/v1/contacts/import', { cookie, body });
    return { status: res.status, body: await res.json() };
  };
  const contacts = async (query = '') => (await (await t.request(`/api/v1/contacts?limit=200${query}`, { cookie })).json()).data as Contact[];
  return { t, cookie, importCsv, contacts };
}

const count = (t: T, sql: string) => (t.db.$client.prepare(sql).get() as { n: number }).n;

// What people really upload: a BOM, CRLF, quoted commas and newlines, local and international numbers,
// a number a spreadsheet stripped the "+" from, a repeat, a known customer, junk, blank and padded lines.
const MESSY = [
  '\uFEFFFull Name,Phone,E-mail,Company,Labels,Tier,Notes,Internal id',
  '"Lima, Ana","(415) 555-2671",ana@example.com,"Lima & Co","vip; lead",Gold,"first line\r\nsecond line",A-1', // row 2
  'Bo Jones,+44 20 7946 0958,,,lead,,,A-2', // row 3
  '', // row 4: blank
  'Kenji,+81 91-2345-678,,"Tanaka, Inc.",,silver,"said ""call me""",A-3', // row 5
  'Ana again,415.555.2671,,,,,,A-4', // row 6: Ana's number again
  'Rui,+351 912 345 678,,,,,,A-5', // row 7: already a contact
  'Broken,not a phone,,,,,,A-6', // row 8
  'Local JP,091-2345-679,,,,,,A-7', // row 9: a Japanese local number cannot be read as US
  'Carla,5511987654321,,,,,,A-8', // row 10: Excel dropped the "+"
  'Bad email,+1 212 555 0100,carla-at-example,,,,,A-9', // row 11
  'Bad tier,+1 212 555 0101,,,,Platinum,,A-10', // row 12
  ',,,,,,,', // row 13: padded blank row
  '',
].join('\r\n');

const MESSY_MAPPING = { 'Full Name': 'name', Phone: 'phone', 'E-mail': 'email', Company: 'company', Labels: 'tags', Tier: 'custom:tier', Notes: 'custom:notes', 'Internal id': 'ignore' };

describe('CSV import', () => {
  it('reports a messy file exactly on a dry run, applies exactly that, and a second run creates nothing', async () => {
    const { t, cookie, importCsv, contacts } = await setup();
    const rui = (await (await t.request('/api/v1/contacts', { cookie, body: { name: 'Rui', phone: '+351912345678' } })).json()).data;

    const dry = await importCsv({ csv: MESSY, mapping: MESSY_MAPPING, dryRun: true });
    expect(dry.status).toBe(200);
    const expected = {
      rows: 10,
      valid: 6,
      created: 4,
      updated: 0,
      skipped: 6,
      errors: [
        { row: 8, field: 'phone', message: '"not a phone" is not a valid number (local numbers are read as US)' },
        { row: 9, field: 'phone', message: '"091-2345-679" is not a valid number (local numbers are read as US)' },
        { row: 11, field: 'email', message: 'must be an email address like ana@example.com (got "carla-at-example")' },
        { row: 12, field: 'custom:tier', message: 'must be one of "Gold", "Silver" (got "Platinum")' },
      ],
      duplicates: [
        { row: 6, phone: '+14155552671', duplicateOfRow: 2 },
        { row: 7, phone: '+351912345678', contactId: rui.id },
      ],
    };
    expect(dry.body.data).toEqual(expected);
    expect((await contacts()).map((c) => c.id)).toEqual([rui.id]); // a dry run writes nothing
    expect(count(t, `SELECT count(*) AS n FROM audit_log WHERE action = 'contact.imported'`)).toBe(0);

    const applied = await importCsv({ csv: MESSY, mapping: MESSY_MAPPING, dryRun: false });
    expect(applied.status).toBe(200);
    expect(applied.body.data).toEqual(expected);

    const byPhone = new Map((await contacts()).map((c) => [c.phone, c]));
    expect([...byPhone.keys()].sort()).toEqual(['+14155552671', '+351912345678', '+442079460958', '+5511987654321', '+81912345678']);
    expect(byPhone.get('+14155552671')).toMatchObject({
      name: 'Lima, Ana',
      email: 'ana@example.com',
      company: 'Lima & Co',
      tags: ['lead', 'vip'],
      customFields: { tier: 'Gold', notes: 'first line\r\nsecond line' },
    });
    expect(byPhone.get('+442079460958')).toMatchObject({ name: 'Bo Jones', email: null, tags: ['lead'], customFields: {} });
    expect(byPhone.get('+81912345678')).toMatchObject({ name: 'Kenji', company: 'Tanaka, Inc.', customFields: { tier: 'Silver', notes: 'said "call me"' } });
    expect(byPhone.get('+351912345678')).toMatchObject({ id: rui.id, name: 'Rui' }); // skipped, untouched
    // Created as POST /contacts creates them: the WhatsApp id is linked, so an inbound message finds them.
    expect(findContactByIdentity(t.db, { waId: '14155552671', userId: null })?.id).toBe(byPhone.get('+14155552671')!.id);
    expect(findContactByIdentity(t.db, { waId: '5511987654321', userId: null })?.id).toBe(byPhone.get('+5511987654321')!.id);
    const audit = t.db.$client.prepare(`SELECT after FROM audit_log WHERE action = 'contact.imported'`).all() as { after: string }[];
    expect(audit.map((a) => JSON.parse(a.after))).toEqual([{ rows: 10, valid: 6, created: 4, updated: 0, skipped: 6, errors: 4, duplicates: 2, onDuplicate: 'skip' }]);

    const again = await importCsv({ csv: MESSY, mapping: MESSY_MAPPING, dryRun: false });
    expect(again.body.data).toMatchObject({ rows: 10, valid: 6, created: 0, updated: 0, skipped: 10 });
    expect(again.body.data.duplicates.map((d: { row: number }) => d.row)).toEqual([2, 3, 5, 6, 7, 10]);
    expect(count(t, `SELECT count(*) AS n FROM contacts`)).toBe(5);
  });

  it('updates existing contacts when asked: given cells overwrite, blank cells keep, tags add up', async () => {
    const { t, cookie, importCsv, contacts } = await setup();
    await t.request('/api/v1/contacts', { cookie, body: { name: 'Ana', phone: '+14155552671', email: 'ana@example.com', tags: ['vip'], customFields: { tier: 'Gold' } } });
    const csv = 'name;phone;email;tags;budget\n"Ana Lima";(415) 555-2671;;customer;-5\n';
    const res = await importCsv({ csv, mapping: { name: 'name', phone: 'phone', email: 'email', tags: 'tags', budget: 'custom:budget' }, dryRun: false, onDuplicate: 'update' });
    expect(res.body.data).toMatchObject({ rows: 1, valid: 1, created: 0, updated: 1, skipped: 0 });
    expect(await contacts()).toEqual([expect.objectContaining({ name: 'Ana Lima', email: 'ana@example.com', tags: ['customer', 'vip'], customFields: { tier: 'Gold', budget: -5 } })]);
  });

  it.each([
    [{ mapping: { Nope: 'phone' } }, 'request.invalid', /^mapping\.Nope: no such column in the CSV \(columns: name, phone\)/],
    [{ mapping: { name: 'name' } }, 'request.invalid', /^mapping: map one column to phone/],
    [{ mapping: { phone: 'phone', name: 'custom:shoe_size' } }, 'request.invalid', /^mapping\.name: no contact field with key "shoe_size"/],
    [{ mapping: { phone: 'phone', name: 'phone' } }, 'request.invalid', /^mapping\.name: phone is already read from column "phone"/],
    [{ mapping: { phone: 'telephone' } }, 'request.invalid', /^mapping\.phone: must be name, phone/],
    [{ csv: 'name,phone\n"Ana,+14155552671\n' }, 'contacts.import_invalid_csv', /^csv: a quoted field opened on line 2 never closes/],
    [{ csv: 'phone\n' + '+14155552671\n'.repeat(50_001) }, 'contacts.import_too_large', /^csv: 50001 rows; at most 50000/],
    [{ csv: 'phone\n' + 'x'.repeat(5 * 1024 * 1024) }, 'contacts.import_too_large', /^csv: over 5 MB/],
    [{ dryRun: 'yes' }, 'request.invalid', /^dryRun:/],
  ])('refuses %#: a bad file or mapping is a 400 naming it', async (patch, code, message) => {
    const { importCsv } = await setup();
    const res = await importCsv({ csv: 'name,phone\nAna,+14155552671\n', mapping: { phone: 'phone' }, dryRun: true, ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe('CSV export', () => {
  async function seed() {
    const s = await setup();
    const create = async (body: unknown) => (await (await s.t.request('/api/v1/contacts', { cookie: s.cookie, body })).json()).data as Contact;
    const evil = await create({
      name: '=HYPERLINK("http://evil.example","click")',
      phone: '(415) 555-2671',
      email: 'ana@example.com',
      company: 'Lima, "Best" Co',
      tags: ['vip', 'lead'],
      customFields: { tier: 'Gold', notes: 'line one\nline two', budget: -5 },
    });
    s.t.clock.advance(1000);
    const bo = await create({ name: 'Bo', phone: '+44 20 7946 0958', reference: '@SUM(1+1)', language: 'en' });
    return { ...s, evil, bo };
  }

  it('downloads CSV with one column per custom field, quoted and formula-guarded, filtered like the list', async () => {
    const { t, cookie, evil, bo } = await seed();
    const res = await t.request('/api/v1/contacts/export', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="contacts-2026-11-23.csv"');
    const text = await res.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const [header, ...rows] = parseCsv(text).map((r) => r.cells);
    expect(header).toEqual(['id', 'name', 'phone', 'email', 'company', 'reference', 'language', 'tags', 'owner_email', 'created_at', 'custom:tier', 'custom:notes', 'custom:budget']);
    expect(rows).toEqual([
      [bo.id, 'Bo', "'+442079460958", '', '', "'@SUM(1+1)", 'en', '', '', '2026-11-23T09:00:01.000Z', '', '', ''],
      [evil.id, `'=HYPERLINK("http://evil.example","click")`, "'+14155552671", 'ana@example.com', 'Lima, "Best" Co', '', '', 'lead, vip', '', '2026-11-23T09:00:00.000Z', 'Gold', 'line one\nline two', "'-5"],
    ]);
    const ids = async (query: string) => parseCsv(await (await t.request(`/api/v1/contacts/export?${query}`, { cookie })).text()).slice(1).map((r) => r.cells[0]);
    expect(await ids('tag=vip')).toEqual([evil.id]);
    expect(await ids('q=Bo')).toEqual([bo.id]);
    expect(await ids('q=nobody')).toEqual([]);
    expect(count(t, `SELECT count(*) AS n FROM audit_log WHERE action = 'contact.exported'`)).toBe(4);
  });

  it('round-trips: the export imported again is all duplicates, and into an empty workspace it recreates the same contacts', async () => {
    const { t, cookie, importCsv, evil, bo } = await seed();
    const csv = await (await t.request('/api/v1/contacts/export', { cookie })).text();
    const mapping = {
      id: 'ignore', name: 'name', phone: 'phone', email: 'email', company: 'company', reference: 'reference', language: 'language', tags: 'tags',
      owner_email: 'ignore', created_at: 'ignore', 'custom:tier': 'custom:tier', 'custom:notes': 'custom:notes', 'custom:budget': 'custom:budget',
    };
    const dry = await importCsv({ csv, mapping, dryRun: true });
    expect(dry.body.data).toEqual({
      rows: 2, valid: 2, created: 0, updated: 0, skipped: 2, errors: [],
      duplicates: [
        { row: 2, phone: '+442079460958', contactId: bo.id },
        { row: 3, phone: '+14155552671', contactId: evil.id },
      ],
    });

    const fresh = await setup();
    expect((await fresh.importCsv({ csv, mapping, dryRun: false })).body.data).toMatchObject({ created: 2, errors: [] });
    const strip = ({ id: _id, ...c }: Contact) => ({ name: c.name, phone: c.phone, email: c.email, company: c.company, reference: c.reference, tags: c.tags, customFields: c.customFields });
    const copies = (await fresh.contacts()).map(strip).sort((a, b) => a.phone!.localeCompare(b.phone!));
    const originals = [evil, bo].map(strip).sort((a, b) => a.phone!.localeCompare(b.phone!));
    expect(copies).toEqual(originals);
  });

  it('records the marketing consent a file carries, with source import, and refuses words it cannot read', async () => {
    const { t, cookie, importCsv, contacts } = await setup();
    const csv = ['name,phone,marketing', 'Yes Person,+1 212 555 0110,Yes', 'No Person,+1 212 555 0111,no', 'Blank,+1 212 555 0112,', 'Maybe,+1 212 555 0113,maybe'].join('\n');
    const res = await importCsv({ csv, mapping: { name: 'name', phone: 'phone', marketing: 'consent' }, dryRun: false });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ created: 3, errors: [{ row: 5, field: 'consent', message: 'must be yes or no (got "maybe")' }] });
    const byName = new Map((await contacts()).map((c) => [c.name, c.id]));
    const consent = async (name: string) => (await (await t.request(`/api/v1/contacts/${byName.get(name)}/consent`, { cookie })).json()).data;
    expect(await consent('Yes Person')).toMatchObject({ optedOut: false, source: 'import', history: [{ status: 'opted_in', source: 'import', detail: 'import row 2' }] });
    expect(await consent('No Person')).toMatchObject({ optedOut: true, source: 'import' });
    expect(await consent('Blank')).toMatchObject({ optedOut: false, source: null, history: [] });

    // A customer who said STOP is not opted back in by a list.
    t.db.$client.prepare(`UPDATE contacts SET marketing_opt_out = 1, consent_source = 'keyword' WHERE id = ?`).run(byName.get('No Person'));
    const again = await importCsv({ csv: ['phone,marketing,name', '+1 212 555 0111,yes,Renamed'].join('\n'), mapping: { name: 'name', phone: 'phone', marketing: 'consent' }, dryRun: false, onDuplicate: 'update' });
    expect(again.body.data).toMatchObject({ updated: 1, errors: [{ row: 2, field: 'consent', message: expect.stringMatching(/kept opted out/) }] });
    expect(await consent('No Person')).toMatchObject({ optedOut: true, source: 'keyword' }); // same contact, now named Renamed
  });

  it('is not mistaken for a contact id', async () => {
    const { t, cookie } = await setup();
    const res = await t.request('/api/v1/contacts/export', { cookie });
    expect(res.status).toBe(200);
    expect(parseCsv(await res.text())).toHaveLength(1); // the header only
    expect((await t.request('/api/v1/contacts/export')).status).toBe(401);
    // The whole customer list is for owners and admins to take out or bring in.
    const agent = await t.signIn('agent');
    expect((await t.request('/api/v1/contacts/export', { cookie: agent.cookie })).status).toBe(403);
    expect((await t.request('/api/v1/contacts/import', { cookie: agent.cookie, body: { csv: 'name,phone\nA,+14155552671', mapping: { name: 'name', phone: 'phone' }, dryRun: true } })).status).toBe(403);
  });
});
