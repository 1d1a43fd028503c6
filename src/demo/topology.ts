/**
 * The demo's network, in a netns lab: a switch (the lab's bridge), a client, and the seed's two
 * load balancers lb01 and lb02, each a machine of its own with nginx and keepalived.
 *
 *    client 192.0.2.100 ──┐
 *    lb01   192.0.2.11  ──┤
 *    lb02   192.0.2.12  ──┼── switch (bridge)        VIP 192.0.2.250 on the MASTER's eth0
 *    mail   192.0.2.25  ──┘  an SMTP server catching keepalived's alert mails (smtp_alert)
 */
import { Lab, type LabNode } from '../testing/netns-lab.js';
import { SmtpCatcher } from '../testing/smtp-catcher.js';
import { LoadBalancer } from './load-balancer.js';
import { ClientProber } from './prober.js';
import { RunRecord } from './record.js';
import { CLIENT_ADDR, LB_NODES, type LbName, MAIL_ADDR, type RunSetup, VIP } from './types.js';

export class DemoLab {
  readonly lab: Lab;
  readonly setup: RunSetup;
  readonly record: RunRecord;
  readonly client: LabNode;
  readonly lbs: Readonly<Record<LbName, LoadBalancer>>;
  readonly prober: ClientProber;
  /** The lab's mail server: where both daemons' alert mails arrive. */
  readonly catcher: SmtpCatcher;

  private constructor(
    lab: Lab,
    setup: RunSetup,
    record: RunRecord,
    client: LabNode,
    lbs: Record<LbName, LoadBalancer>,
    catcher: SmtpCatcher,
  ) {
    this.lab = lab;
    this.catcher = catcher;
    this.setup = setup;
    this.record = record;
    this.client = client;
    this.lbs = lbs;
    this.prober = new ClientProber(client, `http://${VIP}/`, record.originMs);
    record.beforeRead = () => {
      for (const n of LB_NODES) lbs[n].drain();
    };
  }

  /** Builds the lab; on failure nothing is left behind. */
  static async create(setup: RunSetup): Promise<DemoLab> {
    // No "nginx" in the lab's name: check_n.sh greps `ps -ef` for the word, and every path of
    // the lab (in keepalived's command line) contains the name.
    const lab = await Lab.create({ name: 'demo' });
    try {
      const record = new RunRecord();
      const client = await lab.addNode('client', { ipv4: `${CLIENT_ADDR}/24` });
      const mail = await lab.addNode('mail', { ipv4: `${MAIL_ADDR}/24` });
      const catcher = await SmtpCatcher.start(mail, {
        address: MAIL_ADDR,
        file: lab.path('alert-mails.jsonl'),
      });
      const lb01 = await LoadBalancer.create(lab, 'lb01', setup.impls.lb01, record);
      const lb02 = await LoadBalancer.create(lab, 'lb02', setup.impls.lb02, record);
      return new DemoLab(lab, setup, record, client, { lb01, lb02 }, catcher);
    } catch (e: unknown) {
      await lab.destroy();
      throw e;
    }
  }

  get runDir(): string {
    return this.lab.runDir;
  }

  now(): number {
    return this.record.now();
  }

  /** The load balancers that have the VIP on eth0 now (`ip -n NS addr`). */
  async vipHolders(): Promise<LbName[]> {
    const out: LbName[] = [];
    for (const n of LB_NODES) if (await this.lbs[n].hasVip()) out.push(n);
    return out;
  }

  /** The link-layer address the client has for the VIP (`ip -n client neigh`), if any. */
  async clientNeighbour(): Promise<string | undefined> {
    const out = await this.client.run('ip', ['neigh', 'show', VIP, 'dev', this.client.ifname]);
    return /lladdr ([0-9a-f:]+)/.exec(out)?.[1];
  }

  /** Which load balancer a MAC address belongs to. */
  async ownerOfMac(mac: string | undefined): Promise<LbName | undefined> {
    if (mac === undefined) return undefined;
    for (const n of LB_NODES) if ((await this.lbs[n].mac()) === mac) return n;
    return undefined;
  }

  /** One request from the client to `url`: the page's text, or undefined. */
  async curl(url: string): Promise<string | undefined> {
    const r = await this.client.exec('curl', ['-s', '--connect-timeout', '1', '-m', '2', url]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /** Stops watching and tears the lab down (everything in it is killed). */
  async destroy(): Promise<void> {
    await this.stopWatching();
    await this.lab.destroy();
  }

  /** Stops the client and the followers; the machines keep running (--keep). */
  async stopWatching(): Promise<void> {
    for (const n of LB_NODES) this.lbs[n].close();
    await this.prober.stop();
  }
}
