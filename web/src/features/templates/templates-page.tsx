import { A, useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, isStaff } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import type { Me } from '../auth/auth.api';
import { CampaignsTabs } from '../campaigns/campaigns-tabs';
import { fetchTemplateList, syncTemplates } from './templates.api';
import { languageName, qualityBadge, statusBadge, TEMPLATE_STATUSES } from './templates.models';
import '../../ui/crm.css';
import './templates.css';

/** Message templates as Meta reviewed them: status and quality, why one was rejected; sync on demand. */
export function TemplatesPage() {
  return <AppShell>{(me) => <TemplatesBody me={me} />}</AppShell>;
}

function TemplatesBody(props: { me: Me }) {
  const [params, setParams] = useSearchParams<{ status?: string }>();
  const [templates, { refetch }] = createResource(() => params.status ?? '', (status) => fetchTemplateList({ status }));
  const [note, setNote] = createSignal('');
  const sync = createAction();
  const timers: ReturnType<typeof setTimeout>[] = [];
  onCleanup(() => timers.forEach(clearTimeout));
  const list = () => (templates.state === 'ready' || templates.state === 'refreshing' ? templates.latest : undefined);
  const syncNow = async () => {
    setNote('');
    if (await sync.run(syncTemplates)) {
      setNote('Sync started: the list refreshes when Meta answers.');
      // The sync is a background job: look again shortly, then once more for slow answers.
      for (const ms of [1500, 5000]) timers.push(setTimeout(() => void refetch(), ms));
    }
  };

  return (
    <main class="page templates-page" aria-labelledby="templates-title">
      <div class="page-head">
        <h1 id="templates-title">Templates</h1>
        <Show when={isStaff(props.me)}>
          <button type="button" onClick={syncNow}>
            Sync now
          </button>
        </Show>
      </div>
      <CampaignsTabs />
      <p class="muted small page-note" role="status">
        {note() || 'WhatsApp only lets you start a conversation with a template Meta approved. Map each variable once here; campaigns start from it.'}
      </p>
      <ErrorLine message={sync.error()} />
      <nav class="filters" aria-label="Status">
        <button type="button" class={!params.status ? 'active' : ''} aria-pressed={!params.status} onClick={() => setParams({ status: undefined })}>
          All
        </button>
        <For each={TEMPLATE_STATUSES}>
          {(s) => (
            <button type="button" class={params.status === s ? 'active' : ''} aria-pressed={params.status === s} onClick={() => setParams({ status: s })}>
              {statusBadge(s).label}
            </button>
          )}
        </For>
      </nav>
      <section class="card" aria-label="Templates">
        <ErrorLine message={templates.state === 'errored' ? errorMessage(templates.error) : null} />
        <ul class="template-list">
          <Show when={list()?.length}>
            <li class="template-list-head muted small" aria-hidden="true">
              <span>Name</span>
              <span>Language · category</span>
              <span>Status</span>
            </li>
          </Show>
          <For each={list()} fallback={<li class="muted empty">{templates.loading ? 'Loading…' : 'No templates yet. Create them in Meta’s WhatsApp Manager, then sync.'}</li>}>
            {(t) => (
              <li class="template-item" data-testid="template">
                <A class="template-name" href={`/templates/${t.id}`}>
                  {t.name}
                </A>
                <span class="small">
                  {languageName(t.language)} <span class="muted">· {(t.category ?? 'unknown').toLowerCase()}</span>
                </span>
                <span class="badge-row">
                  <ToneBadge tone={statusBadge(t.status).tone}>{statusBadge(t.status).label}</ToneBadge>
                  <ToneBadge tone={qualityBadge(t.quality).tone}>{qualityBadge(t.quality).label}</ToneBadge>
                  <Show when={t.testSentAt}>
                    <span class="muted small">tested</span>
                  </Show>
                </span>
                <Show when={t.rejectedReason && t.rejectedReason !== 'NONE'}>
                  <span class="template-reason error small">Rejected: {t.rejectedReason}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </main>
  );
}
