import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error a client can cause or see: carries an HTTP status and a `domain.reason` code. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** 400: the request is malformed or fails validation. */
export const badRequest = (code: string, message: string) => new AppError(400, code, message);
/** 401: no valid credentials. */
export const unauthorized = (message = 'Sign in to continue.') => new AppError(401, 'auth.unauthenticated', message);
/** 403: signed in, but not allowed. */
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
/** 404: nothing at this id (also used to avoid leaking existence). */
export const notFound = (code: string, message: string) => new AppError(404, code, message);
/** 409: conflicts with the current state. */
export const conflict = (code: string, message: string) => new AppError(409, code, message);
/** 422: well-formed but refused by a business rule. */
export const unprocessable = (code: string, message: string) => new AppError(422, code, message);
/** 429: slow down; `retryAfterSec` becomes the Retry-After header. */
export const tooManyRequests = (code: string, message: string, retryAfterSec: number) =>
  new AppError(429, code, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSec))) });

/** Body of every error response. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
