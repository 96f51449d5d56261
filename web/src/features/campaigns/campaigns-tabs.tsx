import { A, useLocation } from '@solidjs/router';

/** Switches between the pages of the Campaigns area: campaigns, the templates they send, and automation rules. */
export function CampaignsTabs() {
  const location = useLocation();
  const at = (p: string) => location.pathname.startsWith(p);
  return (
    <nav class="filters area-tabs" aria-label="Campaigns area">
      <A href="/campaigns" class={at('/campaigns') ? 'active' : ''} aria-current={at('/campaigns') ? 'page' : undefined}>
        Campaigns
      </A>
      <A href="/templates" class={at('/templates') ? 'active' : ''} aria-current={at('/templates') ? 'page' : undefined}>
        Templates
      </A>
      <A href="/automation" class={at('/automation') ? 'active' : ''} aria-current={at('/automation') ? 'page' : undefined}>
        Automation
      </A>
    </nav>
  );
}
