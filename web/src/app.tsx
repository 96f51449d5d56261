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
      <Route path="/sandbox/phone" component={CustomerPhonePage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/invite/:token" component={InvitePage} />
      <Route path="*" component={() => <Navigate href="/" />} />
    </Router>
  );
}
