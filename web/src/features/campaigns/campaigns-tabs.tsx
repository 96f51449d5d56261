import { A, useLocation } from '@solidjs/router';

/** Switches between the two pages of the Campaigns area: campaigns and the templates they send. */
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
    </nav>
  );
}
