import { createSignal, Show } from 'solid-js';
import { ErrorLine } from '../../ui/error-line';
import { uploadMedia } from '../inbox/inbox.api';
import { mediaContentHref } from './templates.api';

const ACCEPT = { image: 'image/jpeg,image/png', video: 'video/mp4,video/3gpp', document: 'application/pdf' } as const;

/**
 * The file a media header sends: uploaded through the same media API the inbox composer uses (with
 * progress), shown as a thumbnail (images) or a file chip; can be replaced or removed.
 */
export function MediaPicker(props: { kind: 'image' | 'video' | 'document'; label: string; mediaId: string | null | undefined; onChange: (id: string | null) => void }) {
  const [progress, setProgress] = createSignal<number | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [fileName, setFileName] = createSignal<string | null>(null);
  let input!: HTMLInputElement;
  const upload = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      const media = await uploadMedia(file, setProgress);
      setFileName(file.name);
      props.onChange(media.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Upload failed.');
    } finally {
      setProgress(null);
      input.value = '';
    }
  };
  return (
    <div class="media-picker">
      <input ref={input} type="file" hidden accept={ACCEPT[props.kind]} aria-label={`${props.label} file`} onChange={(e) => e.currentTarget.files?.[0] && void upload(e.currentTarget.files[0])} />
      <Show when={props.mediaId}>
        {(id) => (
          <Show when={props.kind === 'image'} fallback={<span class="chip">{fileName() ?? `File ${id()}`}</span>}>
            <img class="media-thumb" src={mediaContentHref(id())} alt={fileName() ?? 'Chosen header image'} />
          </Show>
        )}
      </Show>
      <div class="form-buttons">
        <button type="button" onClick={() => input.click()} disabled={progress() !== null}>
          {props.mediaId ? `Replace ${props.kind}` : `Upload ${props.kind}`}
        </button>
        <Show when={props.mediaId}>
          <button type="button" class="link" onClick={() => (setFileName(null), props.onChange(null))}>
            Remove
          </button>
        </Show>
      </div>
      <Show when={progress() !== null}>
        <progress max="1" value={progress()!} aria-label="Upload progress" />
      </Show>
      <ErrorLine message={error()} />
    </div>
  );
}
