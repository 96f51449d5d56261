/** An error answer from the API: `{error:{code,message}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The one fetch wrapper: JSON in, `data` out, errors as ApiError (network failures too). */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'Cannot reach Parley. Check your connection.');
  }
  // A session that expired mid-use: back to sign-in, and back here afterwards.
  if (res.status === 401 && !path.startsWith('/auth/') && path !== '/me' && !location.pathname.startsWith('/login')) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as { data?: T; error?: { code: string; message: string } } | null;
  if (!res.ok || !json || json.error) {
    throw new ApiError(res.status, json?.error?.code ?? 'http.error', json?.error?.message ?? `Request failed (${res.status}).`);
  }
  return json.data as T;
}

/** A paged list answer (`{data, nextCursor}`), errors as ApiError like `api`. */
export async function apiPage<T>(path: string): Promise<{ data: T[]; nextCursor: string | null }> {
  const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' }).catch(() => null);
  if (!res?.ok) await api(path); // throws the ApiError (network failure, 401 handling, error body)
  return (await res!.json()) as { data: T[]; nextCursor: string | null };
}
