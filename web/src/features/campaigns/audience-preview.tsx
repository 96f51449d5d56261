import { createEffect, createMemo, createSignal, on, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { previewAudience, type Audience, type AudiencePreview as Counts } from './campaigns.api';

/** How many contacts the audience reaches and why some do not, asked again 500 ms after the last change. */
export function AudiencePreview(props: { audience: Audience; channelId?: string; templateId?: string; onCounts?: (c: Counts) => void }) {
  const [counts, setCounts] = createSignal<Counts | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let version = 0;
  onCleanup(() => clearTimeout(timer));
  const request = createMemo(() => JSON.stringify({ audience: props.audience, channelId: props.channelId || undefined, templateId: props.templateId || undefined }));
  createEffect(
    on(request, (body) => {
      clearTimeout(timer);
      const v = ++version;
      setLoading(true);
      timer = setTimeout(async () => {
        try {
          const c = await previewAudience(JSON.parse(body));
          if (v === version) (setCounts(c), setError(null), props.onCounts?.(c));
        } catch (err) {
          if (v === version) setError(errorMessage(err));
        } finally {
          if (v === version) setLoading(false);
        }
      }, 500);
    }),
  );

  return (
    <div class="audience-preview" aria-live="polite" aria-busy={loading()} data-testid="audience-preview">
      <Show when={counts()} fallback={<p class="muted small">{error() ? '' : 'Counting…'}</p>}>
        {(c) => (
          <>
            <p class="audience-total">
              <span class="stat-value" data-testid="audience-total">
                {c().total}
              </span>{' '}
              <span class="stat-label">will get the message</span>
            </p>
            <dl class="kv audience-counts">
              <dt>Match the filters</dt>
              <dd data-testid="audience-matched">{c().matched}</dd>
              <dt>Left out by hand or by tag</dt>
              <dd data-testid="audience-excluded">{c().excluded}</dd>
              <dt>Opted out</dt>
              <dd data-testid="audience-opted-out">{c().suppressed.opted_out}</dd>
              <dt>No recorded opt-in</dt>
              <dd data-testid="audience-no-opt-in">{c().suppressed.no_opt_in}</dd>
              <dt>No WhatsApp number</dt>
              <dd data-testid="audience-no-whatsapp">{c().suppressed.no_whatsapp}</dd>
            </dl>
          </>
        )}
      </Show>
      <ErrorLine message={error()} />
    </div>
  );
}
