import type { Db } from '../../db/client.js';
import { unprocessable } from '../lib/errors.js';
import { assertTemplateSendable, validateTemplateComponents } from './templates.params.js';
import { findTemplate, toTemplateShape } from './templates.repository.js';

/**
 * Checks a template send against the synced definition before it is queued: the template must be known
 * for the WABA (422 `templates.not_found`), approved (422 `templates.not_approved`) and its components
 * must fit (422 `templates.invalid_parameters`). Meta would refuse the same send later with 132001,
 * 132015/132016, 132000/132012 or 132005, after the message already showed as queued.
 */
export function assertTemplateSendOk(db: Db, s: { wabaId: string; name: string; language: string; components: unknown[] | undefined }): void {
  const row = findTemplate(db, s.wabaId, s.name, s.language);
  if (!row) {
    throw unprocessable(
      'templates.not_found',
      `Parley does not know a template ${s.name} in ${s.language} for this WhatsApp account. If it was just created or approved, sync templates in Settings → Templates and try again.`,
    );
  }
  const shape = toTemplateShape(row);
  assertTemplateSendable(shape);
  validateTemplateComponents(shape, s.components);
}
