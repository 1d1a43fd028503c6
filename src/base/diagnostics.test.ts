import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiagnosticSink, formatDiagnostic } from './diagnostics.js';

test('exitStatus() keeps the later config_err_t kind, as keepalived does', () => {
  const sink = new DiagnosticSink();
  sink.report('bad-interface', 'x');
  assert.equal(sink.exitStatus(), 4);
  sink.report('warning', 'y');
  assert.equal(sink.exitStatus(), 5);
  sink.report('fatal', 'z');
  assert.equal(sink.exitStatus(), 5);
  sink.report('security', 's');
  assert.equal(sink.exitStatus(), 6);
});

test('exitStatus() is 2 once a parameter is missing', () => {
  const sink = new DiagnosticSink();
  sink.report('security', 's');
  sink.report('missing-parameter', 'm');
  assert.equal(sink.exitStatus(), 2);
});

test('formatDiagnostic() prints keepalived layout', () => {
  const sink = new DiagnosticSink();
  sink.report('general-error', 'bad', { file: 'k.conf', line: 3 });
  assert.equal(formatDiagnostic(sink.items[0]!), '(k.conf: Line 3) bad');
});
