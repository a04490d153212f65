import { describe, expect, it } from 'vitest';
import type { ComponentStatus, StackSnapshot } from '../../common/model';
import { appOverall } from './overall';

const stack = (...states: ComponentStatus['state'][]): Omit<StackSnapshot, 'overall'> => ({
  components: states.map((state, i) => ({ id: `c${i}`, state }) as unknown as ComponentStatus),
  settingsError: null,
  configError: null,
});

describe('the overall state (badge, app:overall, tray)', () => {
  it('is critical when a critical alert fires although every component runs', () => {
    expect(appOverall(stack('running', 'running', 'running'), 'critical')).toBe('critical');
  });
  it('turns an all-running stack to warning for a firing warning, and stays ok without alerts', () => {
    expect(appOverall(stack('running', 'running'), 'warning')).toBe('warning');
    expect(appOverall(stack('running', 'running'), null)).toBe('ok');
  });
  it('keeps the stack state when the stack is worse than the alerts', () => {
    expect(appOverall(stack('running', 'failed'), 'warning')).toBe('critical');
    expect(appOverall(stack('stopped', 'stopped'), null)).toBe('stopped');
  });
});
