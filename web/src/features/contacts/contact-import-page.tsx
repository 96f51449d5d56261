import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { fetchCustomFields } from '../../lib/custom-fields';
import { createAction } from '../../ui/action';
import { AppShell, StaffOnly } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { importContacts, type ImportReport } from './contacts.api';
import { guessMapping, IMPORT_FIELDS, mappingProblem, previewCsv } from './contacts.models';
import { ImportReportView } from './import-report';
import '../../ui/crm.css';

const MAX_BYTES = 5 * 1024 * 1024;
const FIELD_LABEL: Record<string, string> = { name: 'Name', phone: 'Phone', email: 'Email', company: 'Company', reference: 'Reference', language: 'Language', tags: 'Tags (comma separated)', consent: 'Marketing consent (yes/no)' };

/** CSV import for owners and admins: choose a file, map its columns, check it (dry run), then import. */
export function ContactImportPage() {
  return (
    <AppShell>
      {(me) => (
        <main class="page" aria-labelledby="import-title">
          <div class="page-head">
            <h1 id="import-title">Import contacts</h1>
            <A href="/contacts" class="small">
              ← Contacts
            </A>
          </div>
          <StaffOnly me={me} what="contact imports">
            <ImportBody />
          </StaffOnly>
        </main>
      )}
    </AppShell>
  );
}

function ImportBody() {
  const [fields] = createResource(() => fetchCustomFields('contact').catch(() => []));
  const [csv, setCsv] = createSignal<{ name: string; text: string; header: string[]; rows: string[][] } | null>(null);
  const [mapping, setMapping] = createSignal<Record<string, string>>({});
  const [onDuplicate, setOnDuplicate] = createSignal<'skip' | 'update'>('skip');
  const [report, setReport] = createSignal<{ report: ImportReport; applied: boolean } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const action = createAction();

  const choose = async (file: File | undefined) => {
    setReport(null);
    action.setError(null);
    if (!file) return setCsv(null);
    if (file.size > MAX_BYTES) return action.setError('This file is over 5 MB; split it into smaller files.');
    const text = await file.text();
    const { header, rows } = previewCsv(text);
    if (!header.length) return action.setError('This file has no header row.');
    setCsv({ name: file.name, text, header, rows });
    setMapping(guessMapping(header, fields() ?? (await fetchCustomFields('contact').catch(() => []))));
  };
  const map = (column: string, target: string) => {
    setMapping({ ...mapping(), [column]: target });
    setReport(null); // a new mapping needs a new check
  };
  const run = async (dryRun: boolean) => {
    const file = csv();
    if (!file) return;
    setBusy(true);
    await action.run(async () => setReport({ report: await importContacts({ csv: file.text, mapping: mapping(), dryRun, onDuplicate: onDuplicate() }), applied: !dryRun }));
    setBusy(false);
  };
  const problem = () => (csv() ? mappingProblem(mapping()) : '');
  const willWrite = () => (report()?.report.created ?? 0) + (report()?.report.updated ?? 0);

  return (
    <>
      <section class="card" aria-labelledby="import-file">
        <h2 id="import-file">1. Choose a file</h2>
        <label>
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.currentTarget.files?.[0])} />
        </label>
        <p class="small muted">
          One contact per row with a header row; phone numbers in international format (+351…) or local to your default region. Comma, semicolon or tab separated.
        </p>
      </section>
      <Show when={csv()}>
        {(file) => (
          <section class="card" aria-labelledby="import-mapping">
            <h2 id="import-mapping">2. Match the columns</h2>
            <ul class="plain mapping-list">
              <For each={file().header.filter((h) => h !== '')}>
                {(column, i) => (
                  <li class="mapping-row">
                    <div>
                      <strong>{column}</strong>
                      <span class="small muted mapping-sample">{file().rows.map((r) => r[file().header.indexOf(column)] ?? '').filter(Boolean).slice(0, 2).join(' · ')}</span>
                    </div>
                    <label>
                      <span class="visually-hidden">Column {column} is</span>
                      <select id={`map-${i()}`} onChange={(e) => map(column, e.currentTarget.value)}>
                        <option value="ignore" selected={mapping()[column] === 'ignore'}>
                          Don't import
                        </option>
                        <For each={IMPORT_FIELDS}>
                          {(f) => (
                            <option value={f} selected={mapping()[column] === f}>
                              {FIELD_LABEL[f]}
                            </option>
                          )}
                        </For>
                        <For each={fields() ?? []}>
                          {(f) => (
                            <option value={`custom:${f.key}`} selected={mapping()[column] === `custom:${f.key}`}>
                              {f.label} (custom)
                            </option>
                          )}
                        </For>
                      </select>
                    </label>
                  </li>
                )}
              </For>
            </ul>
            <label>
              Contacts that already exist (same phone)
              <select onChange={(e) => (setOnDuplicate(e.currentTarget.value as 'skip' | 'update'), setReport(null))}>
                <option value="skip" selected={onDuplicate() === 'skip'}>
                  Skip them
                </option>
                <option value="update" selected={onDuplicate() === 'update'}>
                  Update them with the file's values
                </option>
              </select>
            </label>
            <ErrorLine message={problem()} />
            <div class="form-buttons">
              <button type="button" class="primary" disabled={!!problem() || busy()} onClick={() => run(true)}>
                Check file
              </button>
            </div>
          </section>
        )}
      </Show>
      <ErrorLine message={action.error()} class="page-error" />
      <Show when={report()}>
        {(r) => (
          <section class="card" aria-labelledby="import-result">
            <h2 id="import-result">{r().applied ? '4. Done' : '3. Check the result'}</h2>
            <ImportReportView report={r().report} applied={r().applied} />
            <div class="form-buttons">
              <Show
                when={!r().applied}
                fallback={
                  <A class="button primary" href="/contacts">
                    See contacts
                  </A>
                }
              >
                <button type="button" class="primary" disabled={busy() || willWrite() === 0} onClick={() => run(false)}>
                  Import {willWrite()} {willWrite() === 1 ? 'contact' : 'contacts'}
                </button>
              </Show>
            </div>
          </section>
        )}
      </Show>
    </>
  );
}
