import { createSignal } from 'solid-js';
import { ApiError } from '../lib/api/client';

/** The server's message for a failed action (or a generic one for anything else). */
export const errorMessage = (err: unknown) => (err instanceof ApiError ? err.message : 'Something went wrong.');

/**
 * Runs user actions with one error line per section: `run` clears the last error, awaits the action and
 * resolves true, or keeps the failure's message in `error` and resolves false.
 */
export function createAction() {
  const [error, setError] = createSignal<string | null>(null);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await action();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    }
  };
  return { error, setError, run };
}
