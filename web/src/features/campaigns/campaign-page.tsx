import { A, useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell, isStaff } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { ToneBadge } from '../../ui/tone-badge';
import type { Me } from '../auth/auth.api';
import { languageName } from '../templates/templates.models';
import { CampaignEditor } from './campaign-editor';
import { CampaignReport } from './campaign-report';
import { campaignAction, deleteCampaign, fetchCampaign, type Campaign } from './campaigns.api';
import { campaignActions, campaignStatusBadge, isEditable, waitingText } from './campaigns.models';
import '../../ui/crm.css';
import '../templates/templates.css';
import './campaigns.css';

const POLL_MS = 3000;
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/** A new campaign: the editor, saved as a draft first. */
export function NewCampaignPage() {
  return (
    <AppShell>
      {() => (
        <main class="page campaign-page" aria-labelledby="campaign-title">
          <div class="page-head">
            <A href="/campaigns" class="small">
              ← Campaigns
            </A>
          </div>
          <h1 id="campaign-title" class="contact-title">
            New campaign
          </h1>
          <CampaignEditor campaign={null} onSaved={() => undefined} />
        </main>
      )}
    </AppShell>
  );
}

/** One campaign: the editor while it is a draft or scheduled, else its report; refreshed every 3 s while it sends. */
export function CampaignPage() {
  return <AppShell>{(me) => <CampaignBody me={me} />}</AppShell>;
}

function CampaignBody(props: { me: Me }) {
  const params = useParams<{ id: string }>();
  const [campaign, { mutate, refetch }] = createResource(() => params.id, fetchCampaign);
  const [tick, setTick] = createSignal(0);
  const [now, setNow] = createSignal(Date.now());
  let polls = 0;
  const current = () => (campaign.state === 'ready' || campaign.state === 'refreshing' ? campaign.latest : undefined);
  // While sending: the campaign, report and log every 3 s. Scheduled ones are looked at every 15 s to catch the start.
  const timer = setInterval(() => {
    const s = current()?.status;
    polls++;
    setNow(Date.now());
    if (s === 'sending' || (s === 'scheduled' && polls % 5 === 0)) {
      void refetch();
      setTick((t) => t + 1);
    }
  }, POLL_MS);
  onCleanup(() => clearInterval(timer));
  const changed = (c: Campaign) => (mutate(c), setTick((t) => t + 1));

  return (
    <main class="page campaign-page" aria-labelledby="campaign-title">
      <div class="page-head">
        <A href="/campaigns" class="small">
          ← Campaigns
        </A>
      </div>
      <Show when={current()} fallback={<p class={campaign.error ? 'error' : 'muted'}>{campaign.error ? errorMessage(campaign.error) : 'Loading…'}</p>}>
        {(c) => (
          <>
            <CampaignHead campaign={c()} now={now()} staff={isStaff(props.me)} onChange={changed} />
            <Switch>
              <Match when={isStaff(props.me) && isEditable(c().status) && c().id} keyed>
                <CampaignEditor campaign={c()} onSaved={changed} />
              </Match>
              <Match when={c().id} keyed>
                {(id) => <CampaignReport campaignId={id} tick={tick()} canExport={isStaff(props.me)} />}
              </Match>
            </Switch>
          </>
        )}
      </Show>
    </main>
  );
}

/** Name, status, template, times, why it waits; pause, resume, cancel or delete (owners and admins). */
function CampaignHead(props: { campaign: Campaign; now: number; staff: boolean; onChange: (c: Campaign) => void }) {
  const navigate = useNavigate();
  const [confirming, setConfirming] = createSignal<'cancel' | 'delete' | null>(null);
  const action = createAction();
  const c = () => props.campaign;
  const has = (a: string) => props.staff && campaignActions(c().status).includes(a as never);
  const act = (a: 'pause' | 'resume' | 'cancel') => action.run(async () => (props.onChange(await campaignAction(c().id, a)), setConfirming(null)));
  const remove = async () => {
    if (await action.run(() => deleteCampaign(c().id))) navigate('/campaigns', { replace: true });
  };
  const times = () =>
    [
      c().scheduledAt && c().status === 'scheduled' ? `Scheduled for ${when(c().scheduledAt!)}` : null,
      c().startedAt ? `Started ${when(c().startedAt!)}` : null,
      c().pausedAt && c().status === 'paused' ? `Paused ${when(c().pausedAt!)}` : null,
      c().finishedAt ? `Finished ${when(c().finishedAt!)}` : null,
      !c().startedAt ? `Created ${when(c().createdAt)}` : null,
    ].filter(Boolean);

  return (
    <section class="card campaign-head" aria-labelledby="campaign-title">
      <h1 id="campaign-title" class="contact-title">
        {c().name}
      </h1>
      <p class="badge-row">
        <ToneBadge tone={campaignStatusBadge(c().status).tone}>
          <span data-testid="campaign-status">{campaignStatusBadge(c().status).label}</span>
        </ToneBadge>
        <span class="small">
          {c().templateName ?? 'No template'}
          <span class="muted">
            {c().language ? ` · ${[c().language!, ...c().variantLanguages].map((l) => languageName(l)).join(', ')}` : ''}
          </span>
        </span>
      </p>
      <p class="muted small">{times().join(' · ')}</p>
      <Show when={(c().status === 'sending' || c().status === 'paused') && waitingText(c(), props.now)}>
        {(text) => (
          <p class="notice small" role="status" data-testid="campaign-waiting">
            {text()}
          </p>
        )}
      </Show>
      <Show when={has('pause') || has('resume') || has('cancel') || has('delete')}>
        <Show
          when={confirming()}
          fallback={
            <div class="form-buttons">
              <Show when={has('pause')}>
                <button type="button" onClick={() => void act('pause')}>
                  Pause
                </button>
              </Show>
              <Show when={has('resume')}>
                <button type="button" class="primary" onClick={() => void act('resume')}>
                  Resume
                </button>
              </Show>
              <Show when={has('cancel')}>
                <button type="button" class="danger" onClick={() => setConfirming('cancel')}>
                  Cancel campaign
                </button>
              </Show>
              <Show when={has('delete')}>
                <button type="button" class="danger" onClick={() => setConfirming('delete')}>
                  Delete draft
                </button>
              </Show>
            </div>
          }
        >
          <p>{confirming() === 'cancel' ? 'Cancel the campaign? Messages not sent yet will not be sent.' : 'Delete this draft?'}</p>
          <div class="form-buttons">
            <button type="button" class="danger" onClick={() => void (confirming() === 'cancel' ? act('cancel') : remove())}>
              {confirming() === 'cancel' ? 'Yes, cancel it' : 'Yes, delete'}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              Keep it
            </button>
          </div>
        </Show>
      </Show>
      <ErrorLine message={action.error()} />
    </section>
  );
}
