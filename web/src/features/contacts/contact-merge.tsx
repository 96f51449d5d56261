import { createSignal, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { ContactPicker, type PickedContact } from './contact-picker';
import { contactLabel, mergeContact, type ContactRecord } from './contacts.api';

/**
 * "Merge with…": pick the duplicate, confirm, and it is folded into this contact (its conversations,
 * deals, tasks and tags move here; the duplicate is deleted). Says what happened afterwards.
 */
export function ContactMerge(props: { contact: ContactRecord; onMerged: (c: ContactRecord) => void }) {
  const [open, setOpen] = createSignal(false);
  const [source, setSource] = createSignal<PickedContact | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const action = createAction();
  const merge = async () => {
    const s = source();
    if (!s) return;
    let merged: ContactRecord | undefined;
    if (await action.run(async () => (merged = await mergeContact(props.contact.id, s.id)))) {
      setDone(`${contactLabel(s)} was merged into this contact.`);
      setSource(null);
      setOpen(false);
      props.onMerged(merged!);
    }
  };
  return (
    <section class="card" aria-labelledby="merge-title">
      <h2 id="merge-title">Duplicates</h2>
      <Show when={done()}>
        <p class="notice" role="status">
          {done()}
        </p>
      </Show>
      <Show
        when={open()}
        fallback={
          <button type="button" onClick={() => (setOpen(true), setDone(null))}>
            Merge with…
          </button>
        }
      >
        <ContactPicker label="Duplicate to merge in" value={source()} onChange={setSource} exclude={props.contact.id} />
        <Show when={source()}>
          {(s) => (
            <div class="merge-confirm">
              <p>
                Merge <strong>{contactLabel(s())}</strong> into <strong>{contactLabel(props.contact)}</strong>? Their conversations, deals, tasks and tags move here, and{' '}
                {contactLabel(s())} is deleted. This cannot be undone.
              </p>
              <div class="form-buttons">
                <button type="button" class="primary" onClick={merge}>
                  Merge
                </button>
                <button type="button" onClick={() => (setSource(null), setOpen(false))}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </Show>
      </Show>
      <ErrorLine message={action.error()} />
    </section>
  );
}
