import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { ImportReport } from './contacts.api';

/** An import's report: counts, then the rows with errors (by field) and the duplicates, as the spreadsheet numbers rows. */
export function ImportReportView(props: { report: ImportReport; applied: boolean }) {
  const r = () => props.report;
  return (
    <div class="import-report" data-testid="import-report">
      <dl class="stat-grid import-counts">
        <div class="stat-card">
          <dt class="stat-label">Rows</dt>
          <dd class="stat-value">{r().rows}</dd>
        </div>
        <div class="stat-card">
          <dt class="stat-label">Valid</dt>
          <dd class="stat-value">{r().valid}</dd>
        </div>
        <div class="stat-card">
          <dt class="stat-label">{props.applied ? 'Created' : 'Would create'}</dt>
          <dd class="stat-value">{r().created}</dd>
        </div>
        <div class="stat-card">
          <dt class="stat-label">{props.applied ? 'Updated' : 'Would update'}</dt>
          <dd class="stat-value">{r().updated}</dd>
        </div>
        <div class="stat-card">
          <dt class="stat-label">{props.applied ? 'Skipped' : 'Would skip'}</dt>
          <dd class="stat-value">{r().skipped}</dd>
        </div>
      </dl>
      <Show when={r().errors.length}>
        <h3>Rows with errors (skipped)</h3>
        <div class="table-scroll">
          <table class="data-table" aria-label="Import errors">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              <For each={r().errors}>
                {(e) => (
                  <tr data-testid="import-error">
                    <td class="num">{e.row}</td>
                    <td>{e.field.replace(/^custom:/, '')}</td>
                    <td class="wrap">{e.message}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={r().duplicates.length}>
        <h3>Duplicates</h3>
        <div class="table-scroll">
          <table class="data-table" aria-label="Duplicates">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Phone</th>
                <th scope="col">Same as</th>
              </tr>
            </thead>
            <tbody>
              <For each={r().duplicates}>
                {(d) => (
                  <tr data-testid="import-duplicate">
                    <td class="num">{d.row}</td>
                    <td>{d.phone}</td>
                    <td>
                      <Show when={d.duplicateOfRow} fallback={<A href={`/contacts/${d.contactId}`}>existing contact</A>}>
                        row {d.duplicateOfRow}
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}
