import { A, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { createAction, errorMessage } from '../../ui/action';
import { AppShell } from '../../ui/app-shell';
import { ErrorLine } from '../../ui/error-line';
import { SaveButtons } from '../../ui/save-buttons';
import { ToneBadge } from '../../ui/tone-badge';
import { MappingEditor } from './mapping-editor';
import { TemplatePreview } from './template-preview';
import { fetchTemplate, fetchTemplateList, saveTemplateMapping, testSendTemplate, type Mapping, type Template } from './templates.api';
import { cleanMapping, fillMapping, languageName, mappingProblems, qualityBadge, slotLabel, statusBadge } from './templates.models';
import { TestSendForm } from './test-send-form';
import '../../ui/crm.css';
import './templates.css';

/** One template: its review state, where each variable comes from, a live preview and a test send. */
export function TemplatePage() {
  return <AppShell>{() => <TemplateBody />}</AppShell>;
}

function TemplateBody() {
  const params = useParams<{ id: string }>();
  const [template, { mutate }] = createResource(() => params.id, fetchTemplate);
  const current = () => (template.state === 'ready' || template.state === 'refreshing' ? template.latest : undefined);
  return (
    <main class="page template-page" aria-labelledby="template-title">
      <div class="page-head">
        <A href="/templates" class="small">
          ← Templates
        </A>
      </div>
      <Show when={current()} fallback={<p class={template.error ? 'error' : 'muted'}>{template.error ? errorMessage(template.error) : 'Loading…'}</p>}>
        {(t) => <TemplateDetail template={t()} onSaved={mutate} />}
      </Show>
    </main>
  );
}

function TemplateDetail(props: { template: Template; onSaved: (t: Template) => void }) {
  const t = () => props.template;
  const [mapping, setMapping] = createSignal<Mapping>(fillMapping(t().slots, t().mapping));
  const [saved, setSaved] = createSignal(false);
  const action = createAction();
  // The same template in its other languages (same business account), to link to them.
  const [siblings] = createResource(
    () => (t().languages.length > 1 ? t().name : null),
    (name) => fetchTemplateList().then((all) => all.filter((x) => x.name === name && x.wabaId === t().wabaId)).catch(() => []),
  );
  // Another template (or a reload after saving) starts the editor from what the server holds.
  createEffect(on(() => t().id, () => setMapping(fillMapping(t().slots, t().mapping)), { defer: true }));
  const clean = () => cleanMapping(t().slots, mapping());
  const labels = () => Object.fromEntries(t().slots.map((s) => [s.id, slotLabel(s)]));
  const edit = (m: Mapping) => (setSaved(false), setMapping(m));
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const ok = await action.run(async () => props.onSaved(await saveTemplateMapping(t().id, clean())));
    setSaved(ok);
  };

  return (
    <>
      <section class="card" aria-labelledby="template-title">
        <h1 id="template-title" class="contact-title">
          {t().name}
        </h1>
        <p class="badge-row">
          <ToneBadge tone={statusBadge(t().status).tone}>{statusBadge(t().status).label}</ToneBadge>
          <ToneBadge tone={qualityBadge(t().quality).tone}>{qualityBadge(t().quality).label}</ToneBadge>
          <span class="small">
            {languageName(t().language)} <span class="muted">({t().language}) · {(t().category ?? 'unknown').toLowerCase()}</span>
          </span>
        </p>
        <Show when={t().rejectedReason && t().rejectedReason !== 'NONE'}>
          <p class="error small">Rejected by Meta: {t().rejectedReason}</p>
        </Show>
        <Show when={t().languages.length > 1}>
          <p class="muted small template-siblings">
            Also in:{' '}
            <For each={t().languages.filter((l) => l !== t().language)}>
              {(lang, i) => (
                <>
                  {i() ? ', ' : ''}
                  <Show when={siblings()?.find((x) => x.language === lang)} fallback={languageName(lang)}>
                    {(other) => <A href={`/templates/${other().id}`}>{languageName(lang)}</A>}
                  </Show>
                </>
              )}
            </For>
          </p>
        </Show>
        <Show when={t().testSentAt}>
          <p class="muted small">Last test sent {new Date(t().testSentAt!).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}</p>
        </Show>
      </section>
      <div class="template-layout">
        <section class="card" aria-labelledby="mapping-title">
          <h2 id="mapping-title">Variables</h2>
          <form aria-label="Template mapping" onSubmit={save}>
            <MappingEditor slots={t().slots} mapping={mapping()} onChange={edit} />
            <Show when={mappingProblems(t().slots, mapping()).length}>
              <ul class="plain small muted mapping-problems">
                <For each={mappingProblems(t().slots, mapping())}>{(p) => <li>{p}</li>}</For>
              </ul>
            </Show>
            <ErrorLine message={action.error()} />
            <SaveButtons label="Save mapping" saved={saved()} />
          </form>
        </section>
        <section class="card preview-card" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <TemplatePreview templateId={t().id} mapping={clean()} slotLabels={labels()} />
        </section>
      </div>
      <section class="card" aria-labelledby="test-title">
        <h2 id="test-title">Test send</h2>
        <TestSendForm
          note="The test uses the variables as shown above, saved or not."
          disabled={t().status !== 'APPROVED' ? 'Only approved templates can be sent.' : null}
          onSend={(to) => testSendTemplate(t().id, { to, mapping: clean() })}
        />
      </section>
    </>
  );
}
