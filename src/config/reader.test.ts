import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DiagnosticSink } from '../base/diagnostics.js';
import { memoryConfigFs } from './fs.js';
import { ConfigReader } from './reader.js';

function read(files: Record<string, string>, configId = 'lb01') {
  const sink = new DiagnosticSink();
  const r = new ConfigReader({ fs: memoryConfigFs(files), cwd: '/', configId, random: () => 7 }, sink);
  r.open('/etc/k.conf');
  const lines = r.readAll();
  return {
    lines: lines.map((l) => `${l.file.slice(l.file.lastIndexOf('/') + 1)}:${l.line} ${l.text}`),
    sink,
  };
}

test('readLine() splits braces into lines of their own, keeping line numbers', () => {
  const { lines } = read({ '/etc/k.conf': 'global_defs { router_id a }\n\nvrrp_instance X\n{\n}\n' });
  assert.deepEqual(lines, [
    'k.conf:1 global_defs',
    'k.conf:1 {',
    'k.conf:1 router_id a',
    'k.conf:1 }',
    'k.conf:3 vrrp_instance X',
    'k.conf:4 {',
    'k.conf:5 }',
  ]);
});

test('comments end a line outside quotes only; \\# is a literal #', () => {
  const { lines } = read({ '/etc/k.conf': 'a "b # c" ! d\ne \\# f # g\n' });
  assert.deepEqual(lines, ['k.conf:1 a "b # c"', 'k.conf:2 e # f']);
});

test('include with a glob reads matches in order, relative to the including file', () => {
  const { lines } = read({
    '/etc/k.conf': 'include conf.d/*.conf\nlast\n',
    '/etc/conf.d/b.conf': 'b1\n',
    '/etc/conf.d/a.conf': 'a1\n',
  });
  assert.deepEqual(lines, ['a.conf:1 a1', 'b.conf:1 b1', 'k.conf:2 last']);
});

test('an include of itself is reported once and skipped', () => {
  const { lines, sink } = read({ '/etc/k.conf': 'include /etc/k.conf\nx\n' });
  assert.deepEqual(lines, ['k.conf:2 x']);
  assert.equal(sink.items.length, 1);
  assert.deepEqual(sink.items[0]?.loc, { file: '/etc/k.conf', line: 1 });
  assert.equal(sink.exitStatus(), 5);
});

test('a missing include is reported without failing the config (keepalived exits 0)', () => {
  const { sink } = read({ '/etc/k.conf': 'include /etc/none.conf\n' });
  assert.equal(sink.items[0]?.message, "Config files missing '/etc/none.conf'.");
  assert.equal(sink.exitStatus(), 0);
});

test('definitions substitute $NAME and ${NAME}; multi-line definitions expand to several lines', () => {
  const { lines } = read({
    '/etc/k.conf': '$IF=eth0\n$V=a \\\n b \\\n c\ninterface $IF x${IF}y\nlist $V\n',
  });
  assert.deepEqual(lines, ['k.conf:5 interface eth0 xeth0y', 'k.conf:6 list a', 'k.conf:6 b', 'k.conf:6 c']);
});

test('@id lines are kept only for the matching config id, @^id only for others', () => {
  const { lines } = read({ '/etc/k.conf': '@lb01 a\n@lb02 b\n@^lb01 c\n@^lb02 d\n' });
  assert.deepEqual(lines, ['k.conf:1 a', 'k.conf:4 d']);
});

test('~SEQ repeats a line with the variable defined', () => {
  const { lines } = read({ '/etc/k.conf': '~SEQ(i, 1, 2, 5) ip 192.0.2.$i\n~SEQx(j, 9, 11) h $j\n' });
  assert.deepEqual(lines, [
    'k.conf:1 ip 192.0.2.1',
    'k.conf:1 ip 192.0.2.3',
    'k.conf:1 ip 192.0.2.5',
    'k.conf:2 h 9',
    'k.conf:2 h a',
    'k.conf:2 h b',
  ]);
});

test('~SEQ with a step against the direction is reported', () => {
  const { sink } = read({ '/etc/k.conf': '~SEQ(i, 5, 1, 3) x\n' });
  assert.match(sink.items[0]?.message ?? '', /Invalid ~SEQ values/);
});

test('an extra } is reported at its line; missing ones at the end without a line', () => {
  const a = read({ '/etc/k.conf': 'a {\n}\n}\n' });
  assert.deepEqual(
    a.sink.items.map((d) => [d.message, d.loc?.line]),
    [["Extra '}' found", 3]],
  );
  const b = read({ '/etc/k.conf': 'a {\nb {\n' });
  assert.deepEqual(
    b.sink.items.map((d) => [d.message, d.loc]),
    [["There are 2 missing '}'s or extra '{'s", undefined]],
  );
});

test('a self-referencing definition stops instead of looping', () => {
  const { sink } = read({ '/etc/k.conf': '$A=x$A\nv $A\n' });
  assert.ok(sink.items.length <= 1);
});

/** Lines as readPlainLines() gives them where it can, readText() elsewhere (as load.ts reads). */
function readBulk(files: Record<string, string>) {
  const sink = new DiagnosticSink();
  const r = new ConfigReader({ fs: memoryConfigFs(files), cwd: '/', configId: 'lb01' }, sink);
  r.open('/etc/k.conf');
  const out: string[] = [];
  for (;;) {
    const src = r.plainSource();
    const file = r.plainFile() ?? '';
    const name = file.slice(file.lastIndexOf('/') + 1);
    const got = r.readPlainLines((s, e, n) => out.push(`${name}:${n} ${src.slice(s, e)}`), 3);
    if (got > 0) continue;
    const t = r.readText();
    if (t === null) break;
    out.push(`${r.lineFile.slice(r.lineFile.lastIndexOf('/') + 1)}:${r.lineNo} ${t}`);
  }
  r.finish();
  return { lines: out, sink };
}

test('readPlainLines() gives the lines, places and diagnostics readText() gives', () => {
  // Plain files only (no quote, comment, escape, CR, NUL, @, $, ~), with what makes it stop.
  const piece = fc.constantFrom(
    'a',
    'b c',
    ' ',
    '\t',
    '{',
    '}',
    'include /etc/i.conf',
    'includer x',
    '\v',
    'x'.repeat(600),
  );
  const line = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), (lines, lastNewline) => {
      const text = lines.join('\n') + (lastNewline ? '\n' : '');
      const files = { '/etc/k.conf': text, '/etc/i.conf': 'i1 {\n}\n}\n' };
      const bulk = readBulk(files);
      const plain = read(files);
      assert.deepEqual(bulk.lines, plain.lines);
      assert.deepEqual(bulk.sink.items, plain.sink.items);
    }),
    { numRuns: 300 },
  );
});
