import type { Context } from 'hono';
import type { z } from 'zod';
import type { Logger } from './logger.js';
import { badRequest } from './errors.js';
import type { UserRole } from '../../db/schema/auth.js';

/** The signed-in principal of a request. */
export interface AuthInfo {
  user: { id: string; email: string; name: string; role: UserRole };
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
}

/** Hono context variables every route can read. */
export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
    auth: AuthInfo | null;
  };
};

/** Reads and validates a JSON body: 400 `request.invalid_json` or `request.invalid` naming the field. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('request.invalid_json', 'The request body must be valid JSON.');
  }
  return validate(schema, body);
}

/** Validates the query string with a schema (values arrive as strings). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query());
}

/** Validates a value against a schema: 400 `request.invalid` naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw badRequest('request.invalid', field ? `${field}: ${issue.message}` : issue.message);
}

/** Opaque list cursor: base64url of the last row's sort key. */
export function encodeCursor(key: { at: number; id: string }): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

/** Reads a cursor from `encodeCursor`; 400 when it was tampered with. */
export function decodeCursor(raw: string | undefined): { at: number; id: string } | undefined {
  if (!raw) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'number' && typeof id === 'string') return { at, id };
  } catch {
    // fall through
  }
  throw badRequest('request.invalid', 'cursor: not a cursor from nextCursor');
}

/** `{data, nextCursor}` for a page fetched with limit + 1 rows. */
export function page<T, J>(rows: T[], limit: number, key: (row: T) => { at: number; id: string }, toJson: (rows: T[]) => J[]) {
  const items = rows.slice(0, limit);
  return { data: toJson(items), nextCursor: rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
}
