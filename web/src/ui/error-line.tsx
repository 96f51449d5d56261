import { Show } from 'solid-js';

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
