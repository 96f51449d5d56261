import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage as message } from '../../ui/action';
import { AppShell, StaffOnly } from '../../ui/app-shell';
import { createCannedReply, deleteCannedReply, fetchCannedReplies } from '../inbox/inbox.api';
import { AuditLog } from './audit-log';
import { BackupsSection } from './backups-section';
import { BusinessHoursSection } from './business-hours-section';
import { ChannelCheck } from './channel-check';
import { CustomFieldsSection } from './custom-fields-section';
import { RetentionSection } from './retention-section';
import { createToken, createUser, fetchChannels, fetchTokens, fetchUsers, invite, revokeToken } from './settings.api';
import { TeamsSection } from './teams-section';
import { WebhooksSection } from './webhooks-section';
import { WorkspaceSection } from './workspace-section';

const SECTIONS = [
  { id: 'channels', label: 'Channels' },
  { id: 'people', label: 'People' },
  { id: 'teams', label: 'Teams & SLA' },
  { id: 'business-hours', label: 'Business hours' },
  { id: 'workspace', label: 'Workspace' },
  { id: 'retention', label: 'Data retention' },
  { id: 'backups', label: 'Backups' },
  { id: 'custom-fields', label: 'Custom fields' },
  { id: 'canned', label: 'Canned replies' },
  { id: 'tokens', label: 'API tokens' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'audit', label: 'Audit log' },
];

/** Owners and admins: channels (what to paste into Meta), people, teams and SLA, workspace, fields, tokens, audit. */
export function SettingsPage() {
  return (
    <AppShell>
      {(me) => (
        <StaffOnly me={me} what="settings">
          <SettingsBody />
        </StaffOnly>
      )}
    </AppShell>
  );
}

function SettingsBody() {
  const [channels] = createResource(fetchChannels);
  const [users, { refetch: refetchUsers }] = createResource(fetchUsers);
  const [tokens, { refetch: refetchTokens }] = createResource(fetchTokens);
  const [newToken, setNewToken] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [member, setMember] = createSignal({ email: '', name: '', role: 'agent', password: '' });
  const [tokenName, setTokenName] = createSignal('');
  const [invitee, setInvitee] = createSignal({ email: '', role: 'agent' });
  const [inviteUrl, setInviteUrl] = createSignal<string | null>(null);
  const [canned, { refetch: refetchCanned }] = createResource(fetchCannedReplies);
  const [reply, setReply] = createSignal({ shortcut: '', body: '' });
  /** A form handler: no page reload, and a failure shows the server's message in place. */
  const submit = (action: () => Promise<void>) => async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(message(err));
    }
  };
  const ok = <T,>(r: { state: string; latest: T | undefined }) => (r.state === 'ready' || r.state === 'refreshing' ? r.latest : undefined);

  return (
    <main class="settings" aria-labelledby="settings-title">
      <div class="page-head">
        <h1 id="settings-title">Settings</h1>
        <span class="muted small">
          Rules that tag, assign and reply on their own: <a href="/automation">Automation</a>
        </span>
      </div>
      <nav class="filters section-nav" aria-label="Settings sections">
        <For each={SECTIONS}>{(sec) => <button type="button" onClick={() => document.getElementById(sec.id)?.scrollIntoView({ behavior: 'smooth', block: 'start' })}>{sec.label}</button>}</For>
      </nav>
      <Show when={error() ?? (channels.state === 'errored' && message(channels.error))}>
        <p class="error page-error" role="alert">
          {error() ?? message(channels.error)}
        </p>
      </Show>
      <section class="card" id="channels">
        <h2>WhatsApp channels</h2>
        <For each={ok(channels)}>
          {(c) => (
            <>
              <dl class="kv">
                <dt>Number</dt>
                <dd>
                  {c.displayPhoneNumber ?? c.phoneNumberId} {c.sandbox ? '(sandbox)' : ''} · <strong>{c.status}</strong> {c.statusReason ?? ''}
                </dd>
                <dt>Callback URL</dt>
                <dd>
                  <code>{c.webhookUrl}</code>
                </dd>
                <dt>Verify token</dt>
                <dd>
                  <code>{c.verifyToken}</code>
                </dd>
                <dt>Last webhook</dt>
                <dd>{c.lastWebhookAt ? new Date(c.lastWebhookAt).toLocaleString() : 'never'}</dd>
              </dl>
              <ChannelCheck channel={c} />
            </>
          )}
        </For>
      </section>
      <section class="card" id="people">
        <h2>People</h2>
        <ul class="plain">
          <For each={ok(users)}>
            {(u) => (
              <li>
                {u.name} · <span class="muted">{u.email}</span> · {u.role}
              </li>
            )}
          </For>
        </ul>
        <h3>Invite by link</h3>
        <Show when={inviteUrl()}>
          <p class="notice">
            Share this link (valid 7 days, shown once): <code>{inviteUrl()}</code>
          </p>
        </Show>
        <form
          class="grid-form"
          onSubmit={submit(async () => {
              setInviteUrl((await invite(invitee().email, invitee().role)).url ?? null);
              setInvitee({ email: '', role: 'agent' });
          })}
        >
          <input class="full-row" aria-label="Invitee email" type="email" placeholder="teammate@example.com" required value={invitee().email} onInput={(e) => setInvitee({ ...invitee(), email: e.currentTarget.value })} />
          <select aria-label="Invitee role" value={invitee().role} onChange={(e) => setInvitee({ ...invitee(), role: e.currentTarget.value })}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </select>
          <button type="submit" class="primary">
            Create invitation link
          </button>
        </form>
        <h3>Or add directly</h3>
        <form
          class="grid-form"
          onSubmit={submit(async () => {
              await createUser(member());
              setMember({ email: '', name: '', role: 'agent', password: '' });
              void refetchUsers();
          })}
        >
          <input class="full-row" aria-label="Email" type="email" placeholder="Email" required value={member().email} onInput={(e) => setMember({ ...member(), email: e.currentTarget.value })} />
          <input aria-label="Name" placeholder="Name" value={member().name} onInput={(e) => setMember({ ...member(), name: e.currentTarget.value })} />
          <select aria-label="Role" value={member().role} onChange={(e) => setMember({ ...member(), role: e.currentTarget.value })}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </select>
          <input class="full-row" aria-label="Initial password" type="password" placeholder="Initial password (8+)" required value={member().password} onInput={(e) => setMember({ ...member(), password: e.currentTarget.value })} />
          <button type="submit">Add member</button>
        </form>
      </section>
      <Show when={ok(users)}>{(list) => <TeamsSection users={list()} />}</Show>
      <BusinessHoursSection />
      <WorkspaceSection />
      <RetentionSection />
      <BackupsSection />
      <CustomFieldsSection />
      <section class="card" id="canned">
        <h2>Canned replies</h2>
        <ul class="plain">
          <For each={ok(canned)}>
            {(r) => (
              <li>
                <strong>/{r.shortcut}</strong> <span class="muted">{r.body}</span>{' '}
                <button type="button" class="link" onClick={() => deleteCannedReply(r.id).then(() => refetchCanned(), (err) => setError(message(err)))}>
                  Delete
                </button>
              </li>
            )}
          </For>
        </ul>
        <form
          class="grid-form"
          onSubmit={submit(async () => {
              await createCannedReply(reply().shortcut, reply().body);
              setReply({ shortcut: '', body: '' });
              void refetchCanned();
          })}
        >
          <input aria-label="Shortcut" placeholder="shortcut" required value={reply().shortcut} onInput={(e) => setReply({ ...reply(), shortcut: e.currentTarget.value })} />
          <input aria-label="Reply text" placeholder="Text inserted by /shortcut" required value={reply().body} onInput={(e) => setReply({ ...reply(), body: e.currentTarget.value })} />
          <button type="submit">Add reply</button>
        </form>
      </section>
      <section class="card" id="tokens">
        <h2>API tokens</h2>
        <Show when={newToken()}>
          <p class="notice">
            Copy it now, it is shown once: <code>{newToken()}</code>
          </p>
        </Show>
        <ul class="plain">
          <For each={ok(tokens)}>
            {(t) => (
              <li>
                {t.name} · <code>{t.prefix}…</code>{' '}
                <button type="button" class="link" onClick={() => revokeToken(t.id).then(() => refetchTokens(), (err) => setError(message(err)))}>
                  Revoke
                </button>
              </li>
            )}
          </For>
        </ul>
        <form
          class="grid-form"
          onSubmit={submit(async () => {
              setNewToken((await createToken(tokenName())).token);
              setTokenName('');
              void refetchTokens();
          })}
        >
          <input aria-label="Token name" placeholder="What is it for?" required value={tokenName()} onInput={(e) => setTokenName(e.currentTarget.value)} />
          <button type="submit">Create token</button>
        </form>
      </section>
      <WebhooksSection />
      <Show when={ok(users)}>{(list) => <AuditLog users={list()} />}</Show>
    </main>
  );
}
