import { describe, expect, it } from 'vitest';
import type { ComponentState, ComponentStatus, StackSnapshot } from '../../../common/model';
import { overallState } from './overall';

function component(id: ComponentStatus['id'], state: ComponentState): ComponentStatus {
  return {
    id, name: id, state, pid: state === 'running' ? 100 : null, port: 9000, version: null, binary: null,
    lastError: null, fix: null, detail: null, warning: null, since: 0, restarts: 0, adopted: false, lastExit: null, url: 'http://127.0.0.1:9000/',
  };
}

function snapshot(states: [ComponentState, ComponentState, ComponentState], errors: Partial<StackSnapshot> = {}): Omit<StackSnapshot, 'overall'> {
  return {
    components: [component('node_exporter', states[0]), component('alertmanager', states[1]), component('prometheus', states[2])],
    settingsError: null,
    configError: null,
    ...errors,
  };
}

describe('overallState', () => {
  it('is ok only when every component runs', () => {
    expect(overallState(snapshot(['running', 'running', 'running']))).toBe('ok');
  });

  it('is stopped when nothing runs, including when nothing is installed', () => {
    expect(overallState(snapshot(['stopped', 'stopped', 'stopped']))).toBe('stopped');
    expect(overallState(snapshot(['not-installed', 'stopped', 'not-installed']))).toBe('stopped');
    expect(overallState({ components: [], settingsError: null, configError: null })).toBe('stopped');
  });

  it('is critical when any component failed, whatever the others do', () => {
    expect(overallState(snapshot(['running', 'failed', 'running']))).toBe('critical');
    expect(overallState(snapshot(['starting', 'failed', 'unhealthy']))).toBe('critical');
  });

  it('is starting while a component starts or stops', () => {
    expect(overallState(snapshot(['running', 'starting', 'stopped']))).toBe('starting');
    expect(overallState(snapshot(['stopping', 'running', 'running']))).toBe('starting');
    expect(overallState(snapshot(['unhealthy', 'starting', 'running']))).toBe('starting');
  });

  it('warns on unhealthy components and on a partly running stack', () => {
    expect(overallState(snapshot(['running', 'unhealthy', 'running']))).toBe('warning');
    expect(overallState(snapshot(['running', 'stopped', 'running']))).toBe('warning');
    expect(overallState(snapshot(['running', 'not-installed', 'running']))).toBe('warning');
  });

  it('warns when settings or the rendered config were rejected', () => {
    expect(overallState(snapshot(['running', 'running', 'running'], { settingsError: 'lookout.port: bad' }))).toBe('warning');
    expect(overallState(snapshot(['stopped', 'stopped', 'stopped'], { configError: 'promtool: bad rule' }))).toBe('warning');
  });
});
