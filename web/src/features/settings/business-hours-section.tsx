import { createEffect, createMemo, createResource, createSignal, For, Index, on, onCleanup, Show } from 'solid-js';
import { createAction } from '../../ui/action';
import { ErrorLine, FormProblems } from '../../ui/error-line';
import { SaveButtons } from '../../ui/save-buttons';
import { fetchTeams } from '../inbox/inbox.api';
import { fetchTeamHours, fetchWorkspaceHours, followWorkspaceHours, saveTeamHours, saveWorkspaceHours, type BusinessHours, type HoursView, type TeamHoursView, type Weekday } from './business-hours.api';
import { addHoliday, defaultDraft, draftFromHours, holidayLabel, hoursFromDraft, hoursProblems, isOpenAt, nextRange, WEEKDAYS, zoneOptions, type DayDraft, type HoursDraft, type RangeDraft } from './business-hours.models';
import './business-hours.css';

type Loaded = { team: null; view: HoursView } | { team: string; view: TeamHoursView };

/**
 * Business hours of the workspace, and per team either the workspace's or its own: a time zone, opening
 * ranges per weekday and holidays. Rules read them ("business hours are open/closed", the built-in
 * out-of-hours reply). "Open now" is worked out here, in the hours' zone, as the server does.
 */
export function BusinessHoursSection() {
  const [teams] = createResource(() => fetchTeams().catch(() => []));
  const [target, setTarget] = createSignal('');
  const [loaded, { mutate }] = createResource(
    () => ({ team: target() }),
    async ({ team }): Promise<Loaded> => (team ? { team, view: await fetchTeamHours(team) } : { team: null, view: await fetchWorkspaceHours() }),
  );
  const [draft, setDraft] = createSignal<HoursDraft>(defaultDraft());
  const [follow, setFollow] = createSignal(false);
  const [holiday, setHoliday] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const [checked, setChecked] = createSignal(false);
  const { error, run } = createAction();
  const [now, setNow] = createSignal(new Date());
  const timer = setInterval(() => setNow(new Date()), 30_000);
  onCleanup(() => clearInterval(timer));

  const fill = (l: Loaded) => {
    const own = l.view.hours;
    const workspace = l.team ? (l.view as TeamHoursView).effective.hours : null;
    setFollow(!!l.team && own === null);
    setDraft(own ? draftFromHours(own) : workspace ? draftFromHours(workspace) : defaultDraft());
  };
  let scrolled = false;
  createEffect(
    on(
      () => (loaded.state === 'ready' ? loaded() : undefined),
      (l) => {
        if (!l) return;
        fill(l);
        // Linked from the rule editor (/settings#business-hours): the section loads after the page.
        if (!scrolled && location.hash === '#business-hours') document.getElementById('business-hours')?.scrollIntoView({ block: 'start' });
        scrolled = true;
      },
    ),
  );

  // Typing a time must not re-check 400 zone options: they follow the zone only.
  const zone = createMemo(() => draft().timezone);
  const zones = createMemo(() => zoneOptions(zone()));
  const edit = (next: HoursDraft) => (setSaved(false), setDraft(next));
  const setDay = (day: Weekday, patch: Partial<DayDraft>) => edit({ ...draft(), days: { ...draft().days, [day]: { ...draft().days[day], ...patch } } });
  const setRange = (day: Weekday, i: number, patch: Partial<RangeDraft>) => setDay(day, { ranges: draft().days[day].ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const problems = () => (checked() && !follow() ? hoursProblems(draft()) : []);
  /** The hours in force for "Open now": the workspace's when following it, else what is on screen. */
  const inForce = (): BusinessHours | null => {
    const l = loaded.state === 'ready' ? loaded() : undefined;
    if (l?.team && follow()) return (l.view as TeamHoursView).effective.hours;
    return hoursProblems(draft()).length ? null : hoursFromDraft(draft());
  };
  const localTime = (h: BusinessHours) => now().toLocaleTimeString(undefined, { timeZone: h.timezone, hour: '2-digit', minute: '2-digit', weekday: 'short' });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const team = target();
    setChecked(true);
    if (!follow() && hoursProblems(draft()).length) return void setSaved(false);
    const ok = await run(async () => {
      if (!team) mutate({ team: null, view: await saveWorkspaceHours(hoursFromDraft(draft())) });
      else mutate({ team, view: follow() ? await followWorkspaceHours(team) : await saveTeamHours(team, hoursFromDraft(draft())) });
    });
    setSaved(ok);
  };
  const choose = (team: string) => {
    setSaved(false);
    setChecked(false);
    setTarget(team);
  };
  const addDate = () => {
    const next = addHoliday(draft().holidays, holiday());
    if (next.length !== draft().holidays.length) edit({ ...draft(), holidays: next });
    setHoliday('');
  };

  return (
    <section class="card" id="business-hours" aria-labelledby="business-hours-title">
      <h2 id="business-hours-title">Business hours</h2>
      <p class="muted small">
        Automation rules use them (“Business hours are open / closed”, such as the built-in out-of-hours reply). A team can keep its own. Without any hours set, the workspace counts as always open.
      </p>
      <form class="workspace-form hours-form" onSubmit={submit} aria-label="Business hours">
        <div class="grid-form">
          <label>
            Hours of
            <select onChange={(e) => choose(e.currentTarget.value)}>
              <option value="" selected={!target()}>
                The workspace
              </option>
              <For each={teams.state === 'ready' ? teams() : []}>
                {(t) => (
                  <option value={t.id} selected={t.id === target()}>
                    Team: {t.name}
                  </option>
                )}
              </For>
            </select>
          </label>
          {/* Offered once the team's hours are in: a choice made before would be undone when they arrive. */}
          <Show when={target() && !loaded.loading}>
            <label>
              This team
              <select onChange={(e) => (setSaved(false), setFollow(e.currentTarget.value === 'follow'))}>
                <option value="follow" selected={follow()}>
                  Follows the workspace's hours
                </option>
                <option value="own" selected={!follow()}>
                  Has its own hours
                </option>
              </select>
            </label>
          </Show>
        </div>
        <Show when={loaded.state === 'ready'}>
          <Show when={inForce()} fallback={<p class="muted small" role="status">No hours set: counts as open.</p>}>
            {(h) => (
              <p class={`hours-now ${isOpenAt(h(), now()) ? 'open' : 'closed'}`} role="status">
                <strong>{isOpenAt(h(), now()) ? 'Open now' : 'Closed now'}</strong> <span class="muted small">({localTime(h())} in {h().timezone})</span>
              </p>
            )}
          </Show>
        </Show>
        <Show when={!follow()} fallback={<p class="muted small">This team answers in the workspace's hours; choose “Has its own hours” to set different ones.</p>}>
          <label class="hours-zone">
            Time zone
            <select onChange={(e) => edit({ ...draft(), timezone: e.currentTarget.value })}>
              <For each={zones()}>
                {(z) => (
                  <option value={z} selected={z === zone()}>
                    {z.replace(/_/g, ' ')}
                  </option>
                )}
              </For>
            </select>
          </label>
          <ul class="plain hours-week">
            <For each={WEEKDAYS}>
              {(d) => {
                const day = () => draft().days[d.id];
                return (
                  <li class="hours-day">
                    <label class="check">
                      <input type="checkbox" aria-label={`Open on ${d.label}`} checked={day().open} onChange={(e) => setDay(d.id, { open: e.currentTarget.checked, ranges: day().ranges.length ? day().ranges : [nextRange([])] })} />
                      <span>{d.label}</span>
                    </label>
                    <Show when={day().open} fallback={<span class="muted small hours-closed">Closed</span>}>
                      <div class="hours-ranges">
                        <Index each={day().ranges}>
                          {(r, i) => (
                            <div class="hours-range">
                              <input type="time" aria-label={`${d.label} opens${i ? ` ${i + 1}` : ''}`} value={r().from} onInput={(e) => setRange(d.id, i, { from: e.currentTarget.value })} />
                              <span aria-hidden="true">–</span>
                              <input type="time" aria-label={`${d.label} closes${i ? ` ${i + 1}` : ''}`} value={r().to} onInput={(e) => setRange(d.id, i, { to: e.currentTarget.value })} />
                              <Show when={day().ranges.length > 1}>
                                <button type="button" class="icon" aria-label={`Remove ${d.label} hours ${i + 1}`} onClick={() => setDay(d.id, { ranges: day().ranges.filter((_, j) => j !== i) })}>
                                  ✕
                                </button>
                              </Show>
                            </div>
                          )}
                        </Index>
                        <button type="button" class="link" aria-label={`Add hours on ${d.label}`} onClick={() => setDay(d.id, { ranges: [...day().ranges, nextRange(day().ranges)] })}>
                          + Add hours
                        </button>
                      </div>
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
          <p class="muted small">A closing time of 00:00 means midnight.</p>
          <h3>Holidays</h3>
          <p class="muted small">Closed all day, whatever the weekday.</p>
          <ul class="plain hours-holidays">
            <For each={draft().holidays} fallback={<li class="muted small">No holidays.</li>}>
              {(date) => (
                <li>
                  <span>{holidayLabel(date)}</span>
                  <button type="button" class="link" aria-label={`Remove holiday ${date}`} onClick={() => edit({ ...draft(), holidays: draft().holidays.filter((h) => h !== date) })}>
                    Remove
                  </button>
                </li>
              )}
            </For>
          </ul>
          <div class="hours-holiday-add">
            <input type="date" aria-label="Holiday date" value={holiday()} onInput={(e) => setHoliday(e.currentTarget.value)} />
            <button type="button" disabled={!holiday()} onClick={addDate}>
              Add holiday
            </button>
          </div>
        </Show>
        <FormProblems problems={problems()} />
        <SaveButtons label="Save business hours" saved={saved()} />
      </form>
      <ErrorLine message={error() ?? (loaded.state === 'errored' ? String(loaded.error?.message ?? 'Could not load business hours.') : null)} />
    </section>
  );
}
