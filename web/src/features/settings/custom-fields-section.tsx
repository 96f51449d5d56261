import { createResource, createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { createCustomField, deleteCustomField, fetchCustomFields, type CustomField, type CustomFieldType } from './settings.api';
import { fieldKey, splitList } from './settings.models';

const ENTITIES = [
  { id: 'contact', label: 'Contact fields' },
  { id: 'deal', label: 'Deal fields' },
] as const;
const TYPES: { id: CustomFieldType; label: string }[] = [
  { id: 'text', label: 'Text' },
  { id: 'number', label: 'Number' },
  { id: 'date', label: 'Date' },
  { id: 'select', label: 'Choice list' },
];

const empty = () => ({ entity: 'contact' as CustomField['entity'], label: '', key: '', keyEdited: false, type: 'text' as CustomFieldType, options: '' });

/** Extra fields on contacts and deals: list, add (with type and choices), delete. */
export function CustomFieldsSection() {
  const [fields, { refetch }] = createResource(fetchCustomFields);
  const { error, run } = createAction();
  const [draft, setDraft] = createSignal(empty());
  const list = () => (fields.state === 'ready' || fields.state === 'refreshing' ? fields.latest : undefined) ?? [];
  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    const d = draft();
    const ok = await run(() => createCustomField({ entity: d.entity, key: d.key, label: d.label.trim(), type: d.type, options: d.type === 'select' ? splitList(d.options) : [] }));
    if (ok) (setDraft({ ...empty(), entity: d.entity }), void refetch());
  };
  const remove = (f: CustomField) => run(() => deleteCustomField(f.id)).then((ok) => ok && refetch());

  return (
    <section class="card" id="custom-fields" aria-labelledby="custom-fields-title">
      <h2 id="custom-fields-title">Custom fields</h2>
      <For each={ENTITIES}>
        {(ent) => (
          <>
            <h3>{ent.label}</h3>
            <ul class="plain">
              <For each={list().filter((f) => f.entity === ent.id)} fallback={<li class="muted small">{fields.loading ? 'Loading…' : 'None yet.'}</li>}>
                {(f) => (
                  <li class="field-item">
                    <span>
                      <strong>{f.label}</strong> <code class="small">{f.key}</code> <span class="muted small">· {TYPES.find((t) => t.id === f.type)?.label ?? f.type}</span>
                      <Show when={f.options.length}>
                        <span class="muted small"> · {f.options.join(', ')}</span>
                      </Show>
                    </span>
                    <button type="button" class="link" aria-label={`Delete field ${f.label}`} onClick={() => void remove(f)}>
                      Delete
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </For>
      <h3>Add a field</h3>
      <form class="grid-form" aria-label="New custom field" onSubmit={add}>
        <select aria-label="Field for" value={draft().entity} onChange={(e) => setDraft({ ...draft(), entity: e.currentTarget.value as CustomField['entity'] })}>
          <option value="contact">Contacts</option>
          <option value="deal">Deals</option>
        </select>
        <input
          aria-label="Field label"
          placeholder="Label, e.g. Shoe size"
          required
          maxLength={80}
          value={draft().label}
          onInput={(e) => setDraft({ ...draft(), label: e.currentTarget.value, key: draft().keyEdited ? draft().key : fieldKey(e.currentTarget.value) })}
        />
        <input aria-label="Field key" placeholder="key_for_the_api" required pattern="[a-z][a-z0-9_]{0,39}" title="lower-case letters, digits and _, starting with a letter" value={draft().key} onInput={(e) => setDraft({ ...draft(), key: e.currentTarget.value, keyEdited: true })} />
        <select aria-label="Field type" value={draft().type} onChange={(e) => setDraft({ ...draft(), type: e.currentTarget.value as CustomFieldType })}>
          <For each={TYPES}>{(t) => <option value={t.id}>{t.label}</option>}</For>
        </select>
        <Show when={draft().type === 'select'}>
          <input aria-label="Choices" placeholder="Choices, separated by commas" required value={draft().options} onInput={(e) => setDraft({ ...draft(), options: e.currentTarget.value })} />
        </Show>
        <button type="submit">Add field</button>
      </form>
      <ErrorLine message={error() ?? (fields.state === 'errored' ? String(fields.error?.message ?? 'Could not load fields.') : null)} />
    </section>
  );
}
