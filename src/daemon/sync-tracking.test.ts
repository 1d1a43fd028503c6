/**
 * A sync group's tracking reaches its members, and its notify scripts get keepalived's
 * arguments; the plan runs only planned members.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryConfigFs } from '../config/fs.js';
import { loadConfig } from '../config/load.js';
import type { KeepalivedConfig } from '../config/model.js';
import { fifoLine, instanceFifoLine } from '../notify/fifo-line.js';
import { groupNotifyRuns } from '../notify/instance-notify.js';
import { withGroupTracking } from './sync-tracking.js';
import { syncGroupSpecs } from './vrrp-plan.js';

function model(body: string): KeepalivedConfig {
  const r = loadConfig({
    path: '/k.conf',
    fs: memoryConfigFs({ '/k.conf': body }),
    env: {
      interfaces: { exists: (n) => n === 'eth0' || n === 'eth1', isLoopback: () => false },
      fileExists: (f) => f === '/bin/true',
    },
    cwd: '/',
  });
  assert.ok(r.config, 'config loads');
  return r.config;
}

const CONF = `
global_defs { script_user root
  enable_script_security }
vrrp_script chk { script "/bin/true" }
vrrp_sync_group G {
  group { VI_1 VI_2 }
  track_interface { eth1 }
  track_script { chk weight -20 }
  notify_master "/bin/true master"
  notify "/bin/true all"
}
vrrp_instance VI_1 { interface eth0
  virtual_router_id 51
  priority 100
  track_interface { eth1 weight 0 }
  virtual_ipaddress { 192.0.2.250 } }
vrrp_instance VI_2 { interface eth1
  virtual_router_id 52
  priority 100
  virtual_ipaddress { 198.51.100.250 } }
vrrp_instance VI_3 { interface eth0
  virtual_router_id 53
  virtual_ipaddress { 192.0.2.251 } }
`;

test("every member tracks the group's objects; a member's own unweighted line stays unweighted", () => {
  const c = withGroupTracking(model(CONF));
  const [v1, v2, v3] = c.vrrp.instances;
  assert.deepEqual(
    v1?.trackInterfaces.map((t) => [t.name, t.weight]),
    [['eth1', 0]],
  );
  assert.deepEqual(
    v2?.trackInterfaces.map((t) => [t.name, t.weight]),
    [['eth1', 0]],
  );
  assert.deepEqual(
    v2?.trackScripts.map((t) => [t.name, t.weight]),
    [['chk', -20]],
  );
  assert.deepEqual(v3?.trackScripts, []);
});

test('the plan runs the members that were planned, in config order', () => {
  const c = model(CONF);
  const one = [{ params: { name: 'VI_2' } }];
  assert.deepEqual(syncGroupSpecs(c, one), [{ name: 'G', members: ['VI_2'] }]);
  assert.deepEqual(syncGroupSpecs(c, []), []);
});

test('group notifies: the state script, then notify with GROUP NAME STATE 0; FIFO line with 0', () => {
  const g = model(CONF).vrrp.syncGroups[0];
  assert.ok(g);
  assert.deepEqual(
    groupNotifyRuns('G', g, 'MASTER').map((r) => r.args),
    [
      ['/bin/true', 'master'],
      ['/bin/true', 'all', 'GROUP', 'G', 'MASTER', '0'],
    ],
  );
  assert.deepEqual(
    groupNotifyRuns('G', g, 'FAULT').map((r) => r.args),
    [['/bin/true', 'all', 'GROUP', 'G', 'FAULT', '0']],
  );
  assert.equal(
    instanceFifoLine('', { kind: 'notify-group', group: 'G', state: 'BACKUP' }),
    'GROUP "G" BACKUP 0\n',
  );
  assert.equal(fifoLine('GROUP', 'G', 'STOP', 0), 'GROUP "G" STOP 0\n');
});
