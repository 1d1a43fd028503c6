import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtml } from './html-report.js';
import { comparisonTable, failures } from './report.js';
import { sampleRun } from './sample-run.js';

test('comparisonTable() puts each run in a column, failover steps only', () => {
  const lines = comparisonTable([sampleRun('keepalived-ts', 1200), sampleRun('keepalived', 900)]).split('\n');
  assert.match(lines[0] ?? '', /keepalived-ts\s+keepalived$/);
  const row = lines.find((l) => l.includes('nginx dies on lb01')) ?? '';
  assert.match(row, /1 200 ms\s+1 100 ms\s+900 ms\s+1 100 ms$/);
  assert.ok(!lines.some((l) => / 1 start/.test(l)), 'the start step moves no VIP');
  assert.match(lines.find((l) => l.startsWith('checks')) ?? '', /2\/3 checks, 1 TODO/);
});

test('failures() lists failed checks, TODO ones marked', () => {
  assert.deepEqual(failures(sampleRun()), ['2. nginx dies on lb01: TODO lb01 enters FAULT']);
});

test('renderHtml() is one self-contained page: inline SVG, no external asset, text escaped', () => {
  const html = renderHtml([sampleRun('keepalived-ts'), sampleRun('keepalived')]);
  assert.ok(html.startsWith('<!doctype html>'));
  assert.equal((html.match(/<svg /g) ?? []).length, 3, 'one outage chart, one timeline per run');
  assert.ok(!/\s(?:src|href)=/.test(html), 'no linked resource');
  assert.ok(!/<script/i.test(html));
  assert.ok(html.includes('lb01 &amp; lb02 &lt;both&gt;'));
  assert.ok(html.includes('keepalived-ts lacks: link monitoring'));
  assert.ok(html.includes("lb02's state change to master"));
});
