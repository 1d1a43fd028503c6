import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpCheck } from '../../model/checkers.js';
import { checkers, load, messages, places } from './test-kit.js';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('an HTTP_GET url gets status codes 200-299 and the checker 3 s between retries', () => {
  const r = load('    HTTP_GET {\n      url {\n        path /health\n      }\n    }');
  assert.equal(r.exitStatus, 0);
  const c = checkers(r)[0] as HttpCheck;
  assert.equal(c.type, 'HTTP_GET');
  assert.equal(c.defaultDelayBeforeRetryUs, 3_000_000);
  assert.equal(c.httpProtocol, '1.0');
  assert.deepEqual(c.urls, [
    {
      path: '/health',
      digest: undefined,
      statusCodes: range(200, 299),
      virtualhost: undefined,
      regex: undefined,
    },
  ]);
});

test('every HTTP keyword is read into the model', () => {
  const r = load(
    [
      '    SSL_GET {',
      '      url {',
      '        path /a',
      '        digest 0123456789ABCDEF0123456789abcdef',
      '        status_code 200 301-302',
      '        virtualhost www.example.com',
      '        regex "ok|fine"',
      '        regex_options caseless multiline bogus',
      '        regex_no_match',
      '        regex_min_offset 2',
      '        regex_max_offset 9',
      '        regex_stack 10 20',
      '      }',
      '      virtualhost host.example',
      '      http_protocol 1.0c',
      '      enable_sni',
      '      fast_recovery yes',
      '      nb_get_retry 4',
      '    }',
    ].join('\n'),
  );
  assert.deepEqual(places(r), ['18 general-error']);
  assert.equal(messages(r)[0], "nb_get_retry is deprecated - please use 'retry'");
  const c = checkers(r)[0] as HttpCheck;
  assert.equal(c.type, 'SSL_GET');
  assert.equal(c.virtualhost, 'host.example');
  assert.equal(c.httpProtocol, '1.0C');
  assert.equal(c.enableSni, true);
  assert.equal(c.fastRecovery, true);
  assert.equal(c.retry, 4);
  assert.deepEqual(c.urls[0], {
    path: '/a',
    digest: '0123456789abcdef0123456789abcdef',
    statusCodes: [200, 301, 302],
    virtualhost: 'www.example.com',
    regex: {
      pattern: 'ok|fine',
      options: ['caseless', 'multiline'],
      noMatch: true,
      minOffset: 2,
      maxOffset: 10,
      stack: { start: 10, max: 20 },
    },
  });
});

test('bad status codes, digests and protocol versions are reported one by one', () => {
  const r = load(
    [
      '    HTTP_GET {',
      '      url {',
      '        path /',
      '        status_code 99 600 300-200 2x0 200- 204',
      '        digest 0123',
      '        digest 0123456789abcdef0123456789abcdeg',
      '        digest 0123456789abcdef0123456789abcdef',
      '        digest 0123456789abcdef0123456789abcdef',
      '      }',
      '      http_protocol 2.0',
      '      enable_sni maybe',
      '    }',
    ].join('\n'),
  );
  assert.equal(r.exitStatus, 5);
  assert.deepEqual(places(r), [
    '4 general-error',
    '4 general-error',
    '4 general-error',
    '4 general-error',
    '4 general-error',
    '5 general-error',
    '6 general-error',
    '8 general-error',
    '10 general-error',
    '11 general-error',
  ]);
  assert.deepEqual((checkers(r)[0] as HttpCheck).urls[0]?.statusCodes, [204]);
});

test('a url without a path, and an HTTP_GET without urls, are dropped at their closing brace', () => {
  const r = load(
    '    HTTP_GET {\n      url {\n        digest 0123456789abcdef0123456789abcdef\n      }\n    }',
  );
  assert.deepEqual(places(r), ['4 general-error', '5 general-error']);
  assert.deepEqual(messages(r), [
    'HTTP/SSL_GET checker url has no path - ignoring',
    'HTTP/SSL_GET checker has no urls specified - ignoring',
  ]);
  assert.equal(checkers(r).length, 0);
});

test('regex settings without a regex are dropped, and a regex goes to the next url with a path', () => {
  const r = load(
    [
      '    HTTP_GET {',
      '      url {',
      '        path /a',
      '        regex_no_match',
      '      }',
      '      url {',
      '        regex abc',
      '      }',
      '      url {',
      '        path /c',
      '      }',
      '    }',
    ].join('\n'),
  );
  const c = checkers(r)[0] as HttpCheck;
  assert.equal(c.urls.length, 2);
  assert.equal(c.urls[0]?.regex, undefined);
  assert.equal(c.urls[1]?.regex?.pattern, 'abc');
});

test('virtualhost without a name is an error at either level', () => {
  const r = load(
    '    HTTP_GET {\n      virtualhost\n      url {\n        path /\n        virtualhost\n      }\n    }',
  );
  assert.deepEqual(places(r), ['2 general-error', '5 general-error']);
});
