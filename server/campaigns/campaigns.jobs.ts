import type { AppDeps } from '../deps.js';
import { CAMPAIGN_DISPATCH_QUEUE, createCampaignDispatcher, type DispatchPayload } from './campaigns.dispatch.js';
import { pauseAfterDispatchFailure } from './campaigns.usecases.js';

/** Registers the campaign dispatcher (one job per running campaign; several campaigns dispatch side by side). */
export function registerCampaignJobs(deps: AppDeps): void {
  const dispatch = createCampaignDispatcher(deps);
  deps.worker.register<DispatchPayload>(CAMPAIGN_DISPATCH_QUEUE, (p, ctx) => dispatch(p, ctx), {
    concurrency: 4,
    // Short: after a crash the campaign goes on within seconds.
    leaseMs: 10_000,
    onDead: (p: DispatchPayload, error) => pauseAfterDispatchFailure(deps, p.campaignId, error),
  });
}
