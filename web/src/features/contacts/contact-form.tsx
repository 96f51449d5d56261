import { createSignal, For } from 'solid-js';
import { customDraft, customPatch, type CustomField } from '../../lib/custom-fields';
import { createAction } from '../../ui/action';
import { CustomFieldInputs } from '../../ui/custom-field-input';
import { SaveButtons } from '../../ui/save-buttons';
import { ErrorLine } from '../../ui/error-line';
import type { Teammate } from '../inbox/inbox.api';
import { patchContact, type ContactRecord } from './contacts.api';
import { changedFields } from './contacts.models';

const TEXT_FIELDS = ['name', 'phone', 'email', 'company', 'reference', 'language'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const draftOf = (c: ContactRecord) => Object.fromEntries(TEXT_FIELDS.map((k) => [k, c[k] ?? ''])) as Record<TextField, string>;

/** Edits a contact's fields, owner and typed custom fields; saves only what changed (the server checks each). */
export function ContactForm(props: { contact: ContactRecord; team: Teammate[]; fields: CustomField[]; onSaved: (c: ContactRecord) => void }) {
  const [draft, setDraft] = createSignal(draftOf(props.contact));
  const [ownerId, setOwnerId] = createSignal(props.contact.ownerId ?? '');
  const [custom, setCustom] = createSignal(customDraft(props.fields, props.contact.customFields));
  const [saved, setSaved] = createSignal(false);
  const action = createAction();
  const set = (key: TextField, value: string) => (setSaved(false), setDraft({ ...draft(), [key]: value }));

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const before = Object.fromEntries(TEXT_FIELDS.map((k) => [k, props.contact[k]])) as Record<TextField, string | null>;
    const body: Record<string, unknown> = { ...changedFields(before, draft()) };
    if (ownerId() !== (props.contact.ownerId ?? '')) body.ownerId = ownerId() || null;
    const customFields = customPatch(props.fields, props.contact.customFields, custom());
    if (customFields) body.customFields = customFields;
    if (Object.keys(body).length === 0) return setSaved(true);
    let updated: ContactRecord | undefined;
    if (await action.run(async () => (updated = await patchContact(props.contact.id, body)))) {
      setDraft(draftOf(updated!));
      setSaved(true);
      props.onSaved(updated!);
    }
  };
  const field = (key: TextField, label: string, attrs: { type?: string; placeholder?: string; maxLength?: number; required?: boolean } = {}) => (
    <label>
      {label}
      <input type={attrs.type ?? 'text'} placeholder={attrs.placeholder} maxLength={attrs.maxLength} required={attrs.required} value={draft()[key]} onInput={(e) => set(key, e.currentTarget.value)} />
    </label>
  );

  return (
    <form class="contact-form" aria-label="Edit contact" onSubmit={save}>
      <div class="form-grid">
        {field('name', 'Name', { maxLength: 200, required: true })}
        {field('phone', 'Phone', { type: 'tel', placeholder: '+351 912 345 678', maxLength: 40 })}
        {field('email', 'Email', { type: 'email', maxLength: 254 })}
        {field('company', 'Company', { maxLength: 200 })}
        {field('reference', 'Reference', { maxLength: 100 })}
        {field('language', 'Language', { placeholder: 'en, pt_BR', maxLength: 10 })}
        <label>
          Owner
          <select onChange={(e) => (setSaved(false), setOwnerId(e.currentTarget.value))}>
            <option value="" selected={ownerId() === ''}>
              Nobody
            </option>
            <For each={props.team}>
              {(u) => (
                <option value={u.id} selected={u.id === ownerId()}>
                  {u.name}
                </option>
              )}
            </For>
          </select>
        </label>
        <CustomFieldInputs fields={props.fields} values={custom()} onChange={(v) => (setSaved(false), setCustom(v))} />
      </div>
      <ErrorLine message={action.error()} />
      <SaveButtons label="Save contact" saved={saved()} />
    </form>
  );
}
