import { describe, expect, it } from 'vitest';
import type { ChannelCheckResult, CheckLine } from './channel-check.api';
import { checkHeadline, withLine } from './channel-check.models';

const l = (id: CheckLine['id'], status: CheckLine['status']): CheckLine => ({ id, label: id, status, summary: '', fix: null, action: null });
const result = (lines: CheckLine[], status: ChannelCheckResult['status']): ChannelCheckResult => ({ channelId: 'ch_1', checkedAt: '2026-11-23T09:00:00.000Z', status, lines });

describe('setup check models', () => {
  it('words the headline by problems and warnings', () => {
    expect(checkHeadline(result([l('token', 'ok'), l('templates', 'ok')], 'ok'))).toBe('All 2 checks passed');
    expect(checkHeadline(result([l('token', 'fail'), l('phone_number', 'skip'), l('templates', 'warn')], 'fail'))).toBe('1 problem, 1 warning');
    expect(checkHeadline(result([l('token', 'fail'), l('subscription', 'fail')], 'fail'))).toBe('2 problems');
  });

  it('replaces a line and recomputes the overall status', () => {
    const before = result([l('token', 'ok'), { ...l('subscription', 'fail'), action: 'subscribe' }, l('templates', 'warn')], 'fail');
    const after = withLine(before, l('subscription', 'ok'));
    expect(after.lines.map((x) => x.status)).toEqual(['ok', 'ok', 'warn']);
    expect(after.status).toBe('warn');
    expect(withLine(after, l('templates', 'ok')).status).toBe('ok');
    expect(before.lines[1]!.status).toBe('fail');
  });
});
