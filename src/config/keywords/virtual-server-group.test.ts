import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, messagesAt, places } from './bfd-test-kit.js';

test('group entries: addresses, ranges, masks and fwmarks, each bad one on its own line', () => {
  const r = load(
    [
      'virtual_server_group G1 {', // 1
      ' 192.168.1.1 80', // 2
      ' 192.168.1.1-10 80', // 3
      ' 192.168.2.0/24 0', // 4
      ' 192.168.2.1/24 80', // 5
      ' 10.0.0.1-10.0.0.5 80', // 6
      ' 10.0.0.9-10.0.0.5 80', // 7
      ' 10.0.0.1-300 80', // 8
      ' 10.0.0.9-3 80', // 9
      ' 10.0.0.1-5x 80', // 10
      ' 10.0.0.1/33 80', // 11
      ' fe80::1-ff 80', // 12
      ' fwmark 5 inet', // 13
      ' fwmark x', // 14
      ' fwmark 6 inet9', // 15
      ' 1.2.3.x 80', // 16
      '}', // 17
    ].join('\n'),
  );
  assert.deepEqual(places(r), [
    '5:general-error',
    '7:general-error',
    '8:invalid-number',
    '9:general-error',
    '10:invalid-number',
    '11:general-error',
    '14:general-error',
    '14:invalid-number',
    '15:general-error',
    '16:general-error',
  ]);
  assert.deepEqual(messagesAt(r, 5), ['Address mask bits not empty - 192.168.2.1/24 - skipping']);
  const g = r.config?.lvs.virtualServerGroups[0];
  assert.deepEqual(
    g?.addressRanges.map((a) => `${a.start}-${a.end}:${a.port}`),
    [
      '192.168.1.1-192.168.1.1:80',
      '192.168.1.1-192.168.1.10:80',
      '192.168.2.0-192.168.2.255:0',
      '10.0.0.1-10.0.0.5:80',
      'fe80::1-fe80::ff:80',
    ],
  );
  assert.deepEqual(g?.fwmarks, [{ fwmark: 5, family: 4 }]);
});

test('an empty group, or one with both families and a family-less fwmark, is removed', () => {
  const r = load(
    'virtual_server_group E {\n}\nvirtual_server_group M {\n 10.0.0.1 80\n ::1 80\n fwmark 1\n}\n' +
      'virtual_server_group G2 { 10.1.1.1 80 10.1.1.2 81 }\n',
  );
  assert.deepEqual(places(r), ['2:general-error', '7:general-error']);
  assert.deepEqual(messagesAt(r, 2), ['virtual server group E has no entries - removing']);
  assert.deepEqual(
    r.config?.lvs.virtualServerGroups.map((g) => g.name),
    ['G2'],
  );
});
