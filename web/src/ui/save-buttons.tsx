import { Show, type JSX } from 'solid-js';

/** A form's primary submit button, with a "Saved." status once the last save went through. */
export function SaveButtons(props: { label: string; saved: boolean; children?: JSX.Element }) {
  return (
    <div class="form-buttons">
      <button type="submit" class="primary">
        {props.label}
      </button>
      {props.children}
      <Show when={props.saved}>
        <span role="status" class="muted small">
          Saved.
        </span>
      </Show>
    </div>
  );
}
