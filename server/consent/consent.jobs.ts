import type { AppDeps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { queueOutboundMessage } from '../whatsapp/outbound/outbound.usecases.js';
import { CONSENT_CONFIRM_QUEUE, type ConsentConfirmation } from './consent.usecases.js';

/** `consent.confirm`: answers an opt-out/opt-in keyword with the configured text (inside the window the keyword opened). */
export function registerConsentJobs(deps: AppDeps): void {
  deps.worker.register<ConsentConfirmation>(CONSENT_CONFIRM_QUEUE, (p) => {
    const conversation = getConversation(deps.db, p.conversationId);
    if (!conversation) return;
    try {
      queueOutboundMessage(deps, { conversation, body: { type: 'text', text: p.text }, authorId: null, idempotencyKey: `consent:${p.messageId}` });
    } catch (err) {
      // A closed window or a channel that cannot send: nothing to retry; the opt-out itself is recorded.
      if (err instanceof AppError) deps.logger.warn('consent confirmation not sent', { conversationId: p.conversationId, code: err.code });
      else throw err;
    }
  });
}
