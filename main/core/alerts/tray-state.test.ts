import { describe, expect, it } from 'vitest';
import type { Alert, AlertsSnapshot } from '../../../common/model';
import { trayState, worstFiring } from './tray-state';

const alert = (severity: Alert['severity'], state: Alert['state']) => ({ severity, state }) as Alert;
const snap = (alerts: Alert[]) => ({ alerts }) as AlertsSnapshot;

describe('tray state', () => {
  it('counts only alerts that fire unsilenced', () => {
    expect(worstFiring(snap([alert('critical', 'suppressed'), alert('warning', 'firing')]))).toBe('warning');
    expect(worstFiring(snap([alert('critical', 'resolved'), alert('info', 'firing')]))).toBeNull();
    expect(worstFiring(snap([alert('warning', 'firing'), alert('critical', 'firing')]))).toBe('critical');
  });

  it('raises the stack state by firing alerts', () => {
    expect(trayState('ok', 'critical')).toBe('critical');
    expect(trayState('starting', 'critical')).toBe('critical');
    expect(trayState('ok', 'warning')).toBe('warning');
    expect(trayState('stopped', 'warning')).toBe('stopped');
    expect(trayState('critical', 'warning')).toBe('critical');
    expect(trayState('ok', null)).toBe('ok');
  });
});
