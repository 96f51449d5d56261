import { createSignal, For, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { runChannelCheck, subscribeChannelApp, type ChannelCheckResult } from './channel-check.api';
import { checkHeadline, STATUS_VIEW, withLine } from './channel-check.models';
import type { ChannelInfo } from './settings.api';

/**
 * The setup check of one channel (Settings → WhatsApp channels → Check): one line per thing Meta or
 * Parley can tell, green/amber/red with the fix in plain words, and "Subscribe app" where that repairs it.
 */
export function ChannelCheck(props: { channel: ChannelInfo }) {
  const [result, setResult] = createSignal<ChannelCheckResult | null>(null);
  const [busy, setBusy] = createSignal<'check' | 'subscribe' | null>(null);
  const { error, run } = createAction();
  const name = () => props.channel.displayPhoneNumber ?? props.channel.name;

  const check = async () => {
    setBusy('check');
    await run(async () => setResult(await runChannelCheck(props.channel.id)));
    setBusy(null);
  };
  const subscribe = async () => {
    setBusy('subscribe');
    await run(async () => {
      const line = await subscribeChannelApp(props.channel.id);
      const current = result();
      if (current) setResult(withLine(current, line));
    });
    setBusy(null);
  };

  return (
    <div class="channel-check" role="region" aria-label={`Setup check for ${name()}`}>
      <div class="form-buttons">
        <button type="button" onClick={() => void check()} disabled={busy() !== null}>
          {busy() === 'check' ? 'Checking…' : result() ? 'Check again' : 'Check'}
        </button>
        <Show when={result()}>
          {(r) => (
            <span class="small" role="status">
              <strong>{checkHeadline(r())}</strong> <span class="muted">· {new Date(r().checkedAt).toLocaleTimeString()}</span>
            </span>
          )}
        </Show>
      </div>
      <ErrorLine message={error()} />
      <Show when={result()}>
        {(r) => (
          <ul class="plain check-lines" aria-busy={busy() !== null}>
            <For each={r().lines}>
              {(line) => (
                <li class={`check-line check-${line.status}`} data-testid="check-line" data-check={line.id} data-status={line.status}>
                  <span class="check-icon" role="img" aria-label={STATUS_VIEW[line.status].word} title={STATUS_VIEW[line.status].word}>
                    {STATUS_VIEW[line.status].icon}
                  </span>
                  <div>
                    <strong>{line.label}</strong>
                    <div>{line.summary}</div>
                    <Show when={line.fix && line.status !== 'ok'}>
                      <p class="small check-fix">
                        <span class="muted">Fix: </span>
                        {line.fix}
                      </p>
                    </Show>
                    <Show when={line.action === 'subscribe' && line.status === 'fail'}>
                      <button type="button" class="primary" onClick={() => void subscribe()} disabled={busy() !== null}>
                        {busy() === 'subscribe' ? 'Subscribing…' : 'Subscribe app'}
                      </button>
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
    </div>
  );
}
