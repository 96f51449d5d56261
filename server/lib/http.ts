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
  return check(schema, body);
}

/** Validates the query string with a schema (values arrive as strings). */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return check(schema, c.req.query());
}

function check<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw badRequest('request.invalid', field ? `${field}: ${issue.message}` : issue.message);
}
