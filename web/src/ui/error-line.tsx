import { For, Show } from 'solid-js';

/** The server's (or our) message for a failed action, shown in place and announced to screen readers. */
export function ErrorLine(props: { message: string | null | undefined; class?: string }) {
  return (
    <Show when={props.message}>
      <p class={`error ${props.class ?? ''}`} role="alert">
        {props.message}
      </p>
    </Show>
  );
}

/** What keeps a form from being saved, one line each (nothing when the list is empty). */
export function FormProblems(props: { problems: readonly string[] }) {
  return (
    <Show when={props.problems.length}>
      <ul class="plain form-problems" role="alert">
        <For each={props.problems}>{(p) => <li class="error small">{p}</li>}</For>
      </ul>
    </Show>
  );
}
