import { For, Show } from 'solid-js';

/**
 * A select of named things (teams, people, stages…) with an empty first choice. A stored id that is not
 * in the list (deleted, or not loaded) stays selected and says so, instead of silently showing the first.
 */
export function PickSelect(props: { label: string; value: string; items: readonly { id: string; name: string }[]; empty?: string; onChange: (id: string) => void }) {
  const known = () => props.items.some((it) => it.id === props.value);
  return (
    <select aria-label={props.label} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <option value="" selected={!props.value}>
        {props.empty ?? 'Choose…'}
      </option>
      <For each={props.items}>
        {(it) => (
          <option value={it.id} selected={it.id === props.value}>
            {it.name}
          </option>
        )}
      </For>
      <Show when={props.value && !known()}>
        <option value={props.value} selected>
          {props.value} (not found)
        </option>
      </Show>
    </select>
  );
}
