import { describe, expect, it } from 'vitest';
import { customDraft, customPatch, type CustomField } from './custom-fields';

const field = (key: string, type: CustomField['type']): CustomField => ({ id: `cf_${key}`, entity: 'contact', key, label: key, type, options: [], position: 0 });

describe('custom field values', () => {
  const fields = [field('size', 'number'), field('since', 'date'), field('tier', 'select'), field('note', 'text')];
  it('turns stored values into form strings and back into a patch of what changed', () => {
    const values = { size: 12, since: '2026-01-31', gone: 'kept out' };
    const draft = customDraft(fields, values);
    expect(draft).toEqual({ size: '12', since: '2026-01-31', tier: '', note: '' });
    expect(customPatch(fields, values, draft)).toBeUndefined();
    expect(customPatch(fields, values, { ...draft, size: '12.5', tier: 'Gold', since: '' })).toEqual({ size: 12.5, tier: 'Gold', since: null });
    // Not a number: sent as typed, so the server names the problem.
    expect(customPatch(fields, values, { ...draft, size: 'lots' })).toEqual({ size: 'lots' });
  });
});
