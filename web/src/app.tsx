import { Navigate, Route, Router } from '@solidjs/router';
import { LoginPage } from './features/auth/login-page';
import { InboxPage } from './features/inbox/inbox-page';
import { CustomerPhonePage } from './features/sandbox/customer-phone';
import { SettingsPage } from './features/settings/settings-page';
import { InvitePage } from './features/auth/invite-page';

/** Routes of the web app; the server answers any of these paths with index.html. */
export function App() {
  return (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={InboxPage} />
      <Route path="/c/:id" component={InboxPage} />
      <Route path="/sandbox/phone" component={CustomerPhonePage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/invite/:token" component={InvitePage} />
      <Route path="*" component={() => <Navigate href="/" />} />
    </Router>
  );
}
