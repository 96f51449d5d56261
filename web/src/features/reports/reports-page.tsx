import { createResource, createSignal, For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { AppShell, StaffOnly } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { AdsTable } from './ads-table';
import { ResponseTable, StagesTable, WonTable } from './report-tables';
import { fetchReport } from './reports.api';
import { reportRange } from './reports.models';
import { VolumeChart } from './volume-chart';

const RANGES = [7, 30, 90];

/** Owners and admins: message volume, response times per agent and team, pipeline value. Loaded on demand (uPlot). */
export function ReportsPage() {
  return (
    <AppShell>
      {(me) => (
        <StaffOnly me={me} what="reports">
          <ReportsBody />
        </StaffOnly>
      )}
    </AppShell>
  );
}

function ReportsBody() {
  const [days, setDays] = createSignal(30);
  const [report] = createResource(() => reportRange(days(), new Date()), fetchReport);
  const data = () => (report.state === 'ready' || report.state === 'refreshing' ? report.latest : undefined);
  const period = () => {
    const r = data();
    if (!r) return '';
    const fmt = (d: string) => new Date(`${d}T12:00:00`).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
    return `${fmt(r.from)} – ${fmt(r.to)}`;
  };

  return (
    <main class="page" aria-labelledby="reports-title" aria-busy={report.loading}>
      <div class="page-head">
        <h1 id="reports-title">Reports</h1>
        <nav class="filters" aria-label="Period">
          <For each={RANGES}>
            {(d) => (
              <button type="button" class={days() === d ? 'active' : ''} aria-pressed={days() === d} onClick={() => setDays(d)}>
                Last {d} days
              </button>
            )}
          </For>
        </nav>
      </div>
      <ErrorLine message={report.state === 'errored' ? (report.error instanceof ApiError ? report.error.message : 'Could not load the report.') : null} class="page-error" />
      <Show when={data()} fallback={<p class="muted page-error">{report.state === 'errored' ? '' : 'Loading…'}</p>}>
        {(r) => (
          <>
            <p class="muted small page-note">{period()}</p>
            <section class="card" aria-labelledby="volume-title">
              <h2 id="volume-title">Messages per day</h2>
              <VolumeChart volume={r().volume} />
            </section>
            <section class="card" aria-labelledby="agents-title">
              <h2 id="agents-title">Response times by agent</h2>
              <ResponseTable rows={r().responseByAgent} who="Agent" nobody="Unassigned" />
            </section>
            <section class="card" aria-labelledby="teams-title">
              <h2 id="teams-title">Response times by team</h2>
              <ResponseTable rows={r().responseByTeam} who="Team" nobody="No team" />
            </section>
            <section class="card" aria-labelledby="stages-title">
              <h2 id="stages-title">Open deals by stage</h2>
              <StagesTable rows={r().openByStage} />
            </section>
            <section class="card" aria-labelledby="won-title">
              <h2 id="won-title">Won by pipeline</h2>
              <WonTable rows={r().wonByPipeline} />
            </section>
            <section class="card" aria-labelledby="ads-title">
              <h2 id="ads-title">Click-to-WhatsApp ads</h2>
              <AdsTable days={days()} />
            </section>
          </>
        )}
      </Show>
    </main>
  );
}
