import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientGlyph, renderChart, renderOutageBars } from './chart.js';
import { sampleRun } from './sample-run.js';

test('renderChart() draws one column per time bucket: states, VIPs, client, steps', () => {
  const lines = renderChart(sampleRun(), { width: 20 }).split('\n');
  const row = (label: string): string => (lines.find((l) => l.startsWith(label)) ?? '').slice(12);
  // 1 s per column, each showing the state that lasts longest in it: lb01 BACKUP, MASTER from
  // 3.7 s (the 3-4 s column is mostly BACKUP), down from 11 s.
  assert.equal(row('lb01 vrrp'), '▒▒▒▒███████·········');
  assert.equal(row('lb01 VIP').trimEnd(), '    ███████'.replace(/█/g, '▀'));
  assert.equal(row('lb02 vrrp'), '▒▒▒▒▒▒▒▒▒▒▒█████████');
  assert.equal(row('client'), 'mmmmmmmmmm××ssssssss');
  assert.match(lines[1] ?? '', /^step {8}1 {9}2$/);
  assert.ok(!lines.join('\n').includes('\u001b['), 'no colour unless asked');
  assert.ok(renderChart(sampleRun(), { width: 20, color: true }).includes('\u001b[32m'));
});

test('clientGlyph() shows a failure over any answer, and mixed answers as /', () => {
  const p = (ok: boolean, answer: string) => ({ seq: 1, startMs: 0, endMs: 1, ok, answer });
  assert.equal(clientGlyph([]), ' ');
  assert.equal(clientGlyph([p(true, 'master'), p(false, 'refused')]), '×');
  assert.equal(clientGlyph([p(true, 'master'), p(true, 'slave')]), '/');
  assert.equal(clientGlyph([p(true, 'slave')]), 's');
});

test('renderOutageBars() scales bars to the longest outage across runs', () => {
  const text = renderOutageBars([sampleRun('a', 1000), sampleRun('b', 500)], { width: 72 });
  const bars = text.split('\n').filter((l) => l.includes('ms'));
  assert.equal(bars.length, 2);
  const len = (l: string): number => (l.match(/█/g) ?? []).length;
  assert.equal(len(bars[0] ?? ''), 20);
  assert.equal(len(bars[1] ?? ''), 10);
});
