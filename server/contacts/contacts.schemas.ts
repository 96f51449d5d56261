import { z } from 'zod';

const blankToNull = (s: string) => (s === '' ? null : s);

/** A language code as WhatsApp templates name them (en, pt_BR). */
export const languageCode = z.string().trim().regex(/^[a-z]{2,3}([_-][A-Za-z]{2,4})?$/, 'must be a language code like en or pt_BR');

/** Free text where blank means "none". */
export const optionalText = (max: number) => z.string().trim().max(max).transform(blankToNull).nullable().optional();

/** An email address, or blank/null for none. */
export const emailAddress = z.string().trim().max(254).transform(blankToNull).pipe(z.email('must be an email address like ana@example.com').nullable());

/** A tag as the contact tag routes accept it (commas separate tags in imports and exports). */
export const tagName = z.string().trim().min(1).max(50).regex(/^[^,;|]+$/, 'must not contain , ; or |');

/** Fields a person may set on a contact (POST and PATCH /contacts). */
export const contactFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  phone: z.string().trim().min(3).max(40).nullable().optional(),
  email: emailAddress.optional(),
  company: optionalText(200),
  reference: optionalText(100),
  language: languageCode.nullable().optional(),
  ownerId: z.string().min(1).nullable().optional(),
  /** Custom field values by key; checked against the definitions by applyCustomValues. */
  customFields: z.record(z.string(), z.unknown()).optional(),
};

export const createContactBody = z.object({ ...contactFields, tags: z.array(tagName).max(20).optional() });

export const patchContactBody = z
  .strictObject({ ...contactFields, name: contactFields.name.optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, phone, email, company, reference, language, ownerId, customFields');

export const mergeBody = z.object({ sourceId: z.string().min(1, 'is required') });
