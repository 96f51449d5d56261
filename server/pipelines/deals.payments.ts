import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { deals } from '../../db/schema/pipelines.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, forbidden, unprocessable } from '../lib/errors.js';
import type { AuthInfo } from '../lib/http.js';
import { getDeal, type DealRow } from './deals.repository.js';
import type { paymentRequestBody, paymentStatusBody } from './deals.schemas.js';
import { formatMinor, parseAmount, paymentTransition } from './pipelines.models.js';

type Deps = Pick<AppDeps, 'db' | 'clock'>;

const paymentView = (d: DealRow) => ({
  status: d.paymentStatus,
  amount: d.paymentAmountMinor !== null && d.paymentCurrency ? formatMinor(d.paymentAmountMinor, d.paymentCurrency) : null,
  currency: d.paymentCurrency,
  link: d.paymentLink,
  providerRef: d.paymentProviderRef,
});

/**
 * Attaches a payment request (amount, currency, https link from the payment provider) to a deal and
 * sets its payment to pending. Repeating the same request changes nothing. A paid deal is refused
 * (409 `deals.payment_already_paid`): refund it first.
 */
export function requestPayment(deps: Deps, auth: AuthInfo, deal: DealRow, body: z.infer<typeof paymentRequestBody>): { deal: DealRow; changed: boolean } {
  const parsed = parseAmount(body.amount, body.currency);
  if ('error' in parsed) throw badRequest('request.invalid', `amount: ${parsed.error}`);
  if (parsed.minor === 0) throw badRequest('request.invalid', 'amount: must be more than 0');
  if (deal.paymentStatus === 'paid') throw conflict('deals.payment_already_paid', 'This deal is already paid; refund it before requesting a new payment.');
  const set = { paymentStatus: 'pending' as const, paymentAmountMinor: parsed.minor, paymentCurrency: body.currency, paymentLink: body.link, paymentProviderRef: body.providerRef ?? null };
  const same = (Object.keys(set) as (keyof typeof set)[]).every((k) => deal[k] === set[k]);
  if (same) return { deal, changed: false };
  const now = deps.clock.now();
  return inTransaction(deps.db, () => {
    deps.db.update(deals).set({ ...set, paymentUpdatedAt: now, updatedAt: now }).where(eq(deals.id, deal.id)).run();
    const next = getDeal(deps.db, deal.id)!;
    recordAudit(deps.db, actorOf(auth), { action: 'deal.payment_requested', entityType: 'deal', entityId: deal.id, before: paymentView(deal), after: paymentView(next) }, now);
    return { deal: next, changed: true };
  });
}

/**
 * Records a payment status reported by a payment integration. Only an API token may do this: a
 * signed-in person (or a customer's chat message) is never proof of payment. The report must match the
 * request: another providerRef is 409 `deals.payment_provider_ref_mismatch`, another amount or currency
 * 422 `deals.payment_amount_mismatch`. The same status twice is a no-op (no audit entry); a paid deal
 * can only become refunded (409 `deals.payment_status_conflict`).
 */
export function recordPaymentStatus(deps: Deps, auth: AuthInfo, deal: DealRow, body: z.infer<typeof paymentStatusBody>): { deal: DealRow; changed: boolean } {
  if (auth.via !== 'token') throw forbidden('deals.payment_status_token_only', 'Payment status can only be set by a payment integration with an API token.');
  if (deal.paymentStatus === 'none' || deal.paymentAmountMinor === null || !deal.paymentCurrency) {
    throw conflict('deals.payment_not_requested', 'This deal has no payment request; PUT /deals/:id/payment-request first.');
  }
  if (body.providerRef && deal.paymentProviderRef && body.providerRef !== deal.paymentProviderRef) {
    throw conflict('deals.payment_provider_ref_mismatch', `This deal's payment is ${deal.paymentProviderRef}, not ${body.providerRef}.`);
  }
  const requested = `${formatMinor(deal.paymentAmountMinor, deal.paymentCurrency)} ${deal.paymentCurrency}`;
  if (body.currency && body.currency !== deal.paymentCurrency) {
    throw unprocessable('deals.payment_amount_mismatch', `The payment request is for ${requested}, not ${body.currency}.`);
  }
  if (body.amount !== undefined) {
    const parsed = parseAmount(body.amount, deal.paymentCurrency);
    if ('error' in parsed) throw badRequest('request.invalid', `amount: ${parsed.error}`);
    if (parsed.minor !== deal.paymentAmountMinor) {
      throw unprocessable('deals.payment_amount_mismatch', `The payment request is for ${requested}, not ${formatMinor(parsed.minor, deal.paymentCurrency)}.`);
    }
  }
  const transition = paymentTransition(deal.paymentStatus, body.status);
  if (transition === 'refused') throw conflict('deals.payment_status_conflict', `A ${deal.paymentStatus} payment cannot become ${body.status}.`);
  const providerRef = deal.paymentProviderRef ?? body.providerRef ?? null;
  if (transition === 'same' && providerRef === deal.paymentProviderRef) return { deal, changed: false };
  const now = deps.clock.now();
  return inTransaction(deps.db, () => {
    deps.db.update(deals).set({ paymentStatus: body.status, paymentProviderRef: providerRef, paymentUpdatedAt: now, updatedAt: now }).where(eq(deals.id, deal.id)).run();
    const next = getDeal(deps.db, deal.id)!;
    recordAudit(
      deps.db,
      actorOf(auth),
      { action: 'deal.payment_status_changed', entityType: 'deal', entityId: deal.id, before: { status: deal.paymentStatus, providerRef: deal.paymentProviderRef }, after: { status: next.paymentStatus, providerRef: next.paymentProviderRef, tokenId: auth.tokenId } },
      now,
    );
    return { deal: next, changed: true };
  });
}
