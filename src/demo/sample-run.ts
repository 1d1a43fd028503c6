/**
 * A small, made-up DemoRun (two steps, a failover with an outage) for the tests of the chart,
 * the text report and the HTML report: a fake kept in the tree.
 */
import type { DemoRun, Probe, StepResult } from './types.js';

export function sampleRun(label = 'keepalived-ts', outageMs = 1200): DemoRun {
  const probes: Probe[] = [];
  for (let t = 0; t < 20_000; t += 250) {
    const down = t >= 10_000 && t < 10_000 + outageMs;
    const answer = down ? 'refused' : t < 10_000 ? 'master' : 'slave';
    probes.push({ seq: probes.length + 1, startMs: t, endMs: t + 5, ok: !down, answer });
  }
  const start: StepResult = {
    index: 1,
    id: 'start',
    title: 'start',
    startMs: 0,
    eventMs: 100,
    event: 'keepalived started on lb01 & lb02 <both>',
    endMs: 5000,
    notes: ['lb01 first'],
    checks: [{ label: 'lb01 becomes MASTER', ok: true, detail: '+3.61 s' }],
    vipHolders: ['lb01'],
    client: 'master ×20',
    outage: undefined,
    takeoverMs: 3610,
  };
  const fail: StepResult = {
    index: 2,
    id: 'nginx-dies',
    title: 'nginx dies on lb01',
    startMs: 9900,
    eventMs: 10_000,
    event: "lb01's nginx killed",
    endMs: 20_000,
    notes: [],
    checks: [
      { label: 'lb02 becomes MASTER', ok: true },
      { label: 'lb01 enters FAULT', ok: false, todo: 'link monitoring' },
    ],
    vipHolders: ['lb02'],
    client: 'refused ×5, slave ×35',
    outage: { fromMs: 10_000, toMs: 10_000 + outageMs, ms: outageMs, recoveredWith: 'slave', failed: 5 },
    takeoverMs: 1100,
  };
  return {
    setup: { label, impls: { lb01: 'keepalived-ts', lb02: 'keepalived-ts' } },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 20_000,
    steps: [start, fail],
    states: [
      { node: 'lb01', atMs: 100, state: 'INIT' },
      { node: 'lb01', atMs: 200, state: 'BACKUP' },
      { node: 'lb01', atMs: 3700, state: 'MASTER' },
      { node: 'lb01', atMs: 11_000, state: 'DOWN' },
      { node: 'lb02', atMs: 100, state: 'BACKUP' },
      { node: 'lb02', atMs: 11_100, state: 'MASTER' },
    ],
    vips: [
      { node: 'lb01', atMs: 3700, present: true },
      { node: 'lb01', atMs: 11_000, present: false },
      { node: 'lb02', atMs: 11_100, present: true },
    ],
    links: [],
    probes,
    mails: [
      {
        via: 'notify.sh',
        node: 'lb02',
        file: '1-lb02-1.eml',
        atMs: 11_200,
        from: 'root@lb02',
        to: '邮箱地址',
        date: '',
        subject: "192.0.2.250's server keepalived state is translate",
        body: "lb02's state change to master",
      },
      {
        via: 'smtp',
        node: 'lb02',
        file: '',
        atMs: 11_150,
        from: 'keepalived@lb02.example.org',
        to: 'ops@example.org',
        date: 'Mon, 01 Mar 2021 09:44:08 +0000',
        subject: '[lb02] VRRP Instance VI_1 - Entering MASTER state',
        body: '=> VRRP Instance is now owning VRRP VIPs <=',
      },
    ],
    failed: 0,
    todos: 1,
  };
}
