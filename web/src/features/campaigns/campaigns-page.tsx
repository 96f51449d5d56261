import { A } from '@solidjs/router';
import { createResource, For, onCleanup, Show } from 'solid-js';
import { errorMessage } from '../../ui/action';
import { AppShell, isStaff } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import type { Me } from '../auth/auth.api';
import { languageName } from '../templates/templates.models';
import { fetchCampaigns, type Campaign } from './campaigns.api';
import { campaignStatusBadge, headline } from './campaigns.models';
import { CampaignsTabs } from './campaigns-tabs';
import '../../ui/crm.css';
import '../templates/templates.css';
import './campaigns.css';

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/** The campaign's most telling time: when it is scheduled, started or ended, else when it was created. */
function timeLine(c: Campaign): string {
  if (c.status === 'scheduled' && c.scheduledAt) return `Scheduled for ${when(c.scheduledAt)}`;
  if (c.finishedAt) return `Finished ${when(c.finishedAt)}`;
  if (c.startedAt) return `Started ${when(c.startedAt)}`;
  return `Created ${when(c.createdAt)}`;
}

/** Campaigns: each with its status and how far it got; new ones start from an approved template. */
export function CampaignsPage() {
  return <AppShell>{(me) => <CampaignsBody me={me} />}</AppShell>;
}

function CampaignsBody(props: { me: Me }) {
  const [campaigns, { refetch }] = createResource(fetchCampaigns);
  const list = () => (campaigns.state === 'ready' || campaigns.state === 'refreshing' ? campaigns.latest : undefined);
  // Sending campaigns move: refresh their numbers every few seconds.
  const timer = setInterval(() => list()?.some((c) => c.status === 'sending') && void refetch(), 5000);
  onCleanup(() => clearInterval(timer));

  return (
    <main class="page campaigns-page" aria-labelledby="campaigns-title">
      <div class="page-head">
        <h1 id="campaigns-title">Campaigns</h1>
        <Show when={isStaff(props.me)}>
          <A href="/campaigns/new" class="button primary">
            New campaign
          </A>
        </Show>
      </div>
      <CampaignsTabs />
      <ErrorLine message={campaigns.state === 'errored' ? errorMessage(campaigns.error) : null} />
      <ul class="campaign-list">
        <For each={list()} fallback={<li class="card muted">{campaigns.loading ? 'Loading…' : 'No campaigns yet. Send an approved template to many contacts at once, at a safe pace.'}</li>}>
          {(c) => (
            <li class="card campaign-item" data-testid="campaign">
              <div class="campaign-item-head">
                <A class="campaign-name" href={`/campaigns/${c.id}`}>
                  {c.name}
                </A>
                <ToneBadge tone={campaignStatusBadge(c.status).tone}>{campaignStatusBadge(c.status).label}</ToneBadge>
              </div>
              <p class="muted small">
                {c.templateName ?? 'No template'}
                {c.language ? ` · ${languageName(c.language)}` : ''}
                {c.variantLanguages.length ? ` +${c.variantLanguages.length}` : ''} · {timeLine(c)}
              </p>
              <Show when={c.counts.recipients}>
                <dl class="campaign-numbers">
                  <For each={headline(c)}>
                    {(n) => (
                      <div>
                        <dt>{n.label}</dt>
                        <dd>{n.value}</dd>
                      </div>
                    )}
                  </For>
                </dl>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </main>
  );
}
