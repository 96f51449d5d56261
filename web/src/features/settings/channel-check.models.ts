import type { ChannelCheckResult, CheckLine, CheckStatus } from './channel-check.api';

/* Pure helpers of the setup check: how each status looks, replacing a line, the headline. */

/** Icon and words per status: the icon is never the only signal (screen readers get the word). */
export const STATUS_VIEW: Record<CheckStatus, { icon: string; word: string }> = {
  ok: { icon: '✓', word: 'OK' },
  warn: { icon: '!', word: 'Needs attention' },
  fail: { icon: '✕', word: 'Failed' },
  skip: { icon: '–', word: 'Not checked' },
};

/** The result with one line replaced (after "Subscribe app") and the overall status recomputed. */
export function withLine(result: ChannelCheckResult, line: CheckLine): ChannelCheckResult {
  const lines = result.lines.map((l) => (l.id === line.id ? line : l));
  const statuses = lines.map((l) => l.status);
  const status = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';
  return { ...result, lines, status };
}

/** "All 7 checks passed", or "2 problems, 1 warning". */
export function checkHeadline(result: ChannelCheckResult): string {
  const count = (s: CheckStatus) => result.lines.filter((l) => l.status === s).length;
  const fails = count('fail');
  const warns = count('warn');
  if (fails === 0 && warns === 0) return `All ${count('ok')} checks passed`;
  const parts = [fails ? `${fails} problem${fails === 1 ? '' : 's'}` : '', warns ? `${warns} warning${warns === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(', ');
}
