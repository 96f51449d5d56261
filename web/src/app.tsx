import { Navigate, Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { LoginPage } from './features/auth/login-page';
import { InboxPage } from './features/inbox/inbox-page';
import { ManagerPage } from './features/manager/manager-page';
import { CustomerPhonePage } from './features/sandbox/customer-phone';
import { SettingsPage } from './features/settings/settings-page';
import { TasksPage } from './features/tasks/tasks-page';
import { InvitePage } from './features/auth/invite-page';

// Reports carry the chart library: a separate chunk, downloaded only when someone opens them.
const ReportsPage = lazy(() => import('./features/reports/reports-page').then((m) => ({ default: m.ReportsPage })));
// Deals and contacts: their own chunks too (the board, import and edit forms are not needed to answer chats).
const DealsPage = lazy(() => import('./features/deals/deals-page').then((m) => ({ default: m.DealsPage })));
const ContactsPage = lazy(() => import('./features/contacts/contacts-page').then((m) => ({ default: m.ContactsPage })));
const ContactPage = lazy(() => import('./features/contacts/contact-page').then((m) => ({ default: m.ContactPage })));
const ContactImportPage = lazy(() => import('./features/contacts/contact-import-page').then((m) => ({ default: m.ContactImportPage })));
// Campaigns and templates: one area, its own chunks (the report's chart comes later still).
const TemplatesPage = lazy(() => import('./features/templates/templates-page').then((m) => ({ default: m.TemplatesPage })));
const TemplatePage = lazy(() => import('./features/templates/template-page').then((m) => ({ default: m.TemplatePage })));
const CampaignsPage = lazy(() => import('./features/campaigns/campaigns-page').then((m) => ({ default: m.CampaignsPage })));
const NewCampaignPage = lazy(() => import('./features/campaigns/campaign-page').then((m) => ({ default: m.NewCampaignPage })));
const CampaignPage = lazy(() => import('./features/campaigns/campaign-page').then((m) => ({ default: m.CampaignPage })));
// Automation rules: their own chunks (the form carries the cron parser).
const RulesPage = lazy(() => import('./features/rules/rules-page').then((m) => ({ default: m.RulesPage })));
const NewRulePage = lazy(() => import('./features/rules/rule-page').then((m) => ({ default: m.NewRulePage })));
const RulePage = lazy(() => import('./features/rules/rule-page').then((m) => ({ default: m.RulePage })));

/** Routes of the web app; the server answers any of these paths with index.html. */
export function App() {
  return (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={InboxPage} />
      <Route path="/c/:id" component={InboxPage} />
      <Route path="/manager" component={ManagerPage} />
      <Route path="/tasks" component={TasksPage} />
      <Route path="/reports" component={ReportsPage} />
      {/* One route, so opening a deal keeps the board mounted underneath. */}
      <Route path="/deals/:id?" component={DealsPage} />
      <Route path="/contacts" component={ContactsPage} />
      <Route path="/contacts/import" component={ContactImportPage} />
      <Route path="/contacts/:id" component={ContactPage} />
      <Route path="/templates" component={TemplatesPage} />
      <Route path="/templates/:id" component={TemplatePage} />
      <Route path="/campaigns" component={CampaignsPage} />
      <Route path="/campaigns/new" component={NewCampaignPage} />
      <Route path="/campaigns/:id" component={CampaignPage} />
      <Route path="/automation" component={RulesPage} />
      <Route path="/automation/new" component={NewRulePage} />
      <Route path="/automation/:id" component={RulePage} />
      <Route path="/sandbox/phone" component={CustomerPhonePage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/invite/:token" component={InvitePage} />
      <Route path="*" component={() => <Navigate href="/" />} />
    </Router>
  );
}
