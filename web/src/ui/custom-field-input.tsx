import { For, Match, Switch } from 'solid-js';
import type { CustomField } from '../lib/custom-fields';

/** The right input for a custom field's type: text, number (decimal keypad on phones), date, or a choice. */
export function CustomFieldInput(props: { field: CustomField; value: string; onInput: (value: string) => void }) {
  return (
    <label>
      {props.field.label}
      <Switch fallback={<input type="text" maxLength={1000} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />}>
        <Match when={props.field.type === 'number'}>
          <input type="number" step="any" inputMode="decimal" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
        </Match>
        <Match when={props.field.type === 'date'}>
          <input type="date" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
        </Match>
        <Match when={props.field.type === 'select'}>
          <select onChange={(e) => props.onInput(e.currentTarget.value)}>
            <option value="" selected={props.value === ''}>
              —
            </option>
            <For each={props.field.options}>
              {(o) => (
                <option value={o} selected={o === props.value}>
                  {o}
                </option>
              )}
            </For>
          </select>
        </Match>
      </Switch>
    </label>
  );
}

/** One input per custom field of a record (contact or deal form). */
export function CustomFieldInputs(props: { fields: CustomField[]; values: Record<string, string>; onChange: (values: Record<string, string>) => void }) {
  return <For each={props.fields}>{(f) => <CustomFieldInput field={f} value={props.values[f.key] ?? ''} onInput={(v) => props.onChange({ ...props.values, [f.key]: v })} />}</For>;
}
