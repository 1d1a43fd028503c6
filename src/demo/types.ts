/**
 * What a demo run records: the steps with their checks, and every change seen on the way
 * (daemon states, VIP presence, links, the client's requests, the mails). Times are ms since
 * the run's start (performance.now() based). This is what --json writes and what the terminal
 * chart and the HTML report draw.
 */
import type { Implementation } from '../testing/keepalived-ref.js';

export const LB_NODES = ['lb01', 'lb02'] as const;
export type LbName = (typeof LB_NODES)[number];

export const VIP = '192.0.2.250';
export const LB_ADDR: Readonly<Record<LbName, string>> = { lb01: '192.0.2.11', lb02: '192.0.2.12' };
export const CLIENT_ADDR = '192.0.2.100';
/** The lab's mail server (the "mail" node), where the configs' smtp_server points. */
export const MAIL_ADDR = '192.0.2.25';
/** Who gets keepalived's alert mails in the lab (notification_email). */
export const ALERT_RCPT = 'ops@example.org';
/** What each node's nginx serves (seed section 4.2). */
export const PAGE: Readonly<Record<LbName, string>> = { lb01: 'master', lb02: 'slave' };

export interface RunSetup {
  /** "keepalived-ts", "keepalived", "mixed". */
  readonly label: string;
  readonly impls: Readonly<Record<LbName, Implementation>>;
}

/** A daemon's VRRP state as its log says, INIT between start and the first state, DOWN when not running. */
export type DaemonState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT' | 'DOWN';

export type LabNodeState = Readonly<Record<LbName, DaemonState>>;

export interface StateChange {
  readonly node: LbName;
  readonly atMs: number;
  readonly state: DaemonState;
}

export interface VipChange {
  readonly node: LbName;
  readonly atMs: number;
  readonly present: boolean;
}

export interface LinkChange {
  readonly node: LbName;
  readonly atMs: number;
  readonly up: boolean;
}

/** One request of the client to http://VIP/. */
export interface Probe {
  readonly seq: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly ok: boolean;
  /** The page's text when ok, else what went wrong ("refused", "timeout", "http 502"). */
  readonly answer: string;
}

export interface Check {
  readonly label: string;
  readonly ok: boolean;
  readonly detail?: string;
  /**
   * Set when this check expects keepalived behaviour keepalived-ts does not have yet: names the
   * missing feature. A failing TODO check is reported, not counted as a failure.
   */
  readonly todo?: string;
}

export interface Outage {
  /** The client's last good answer before the gap (or the event, if later). */
  readonly fromMs: number;
  /** The first good answer after the gap; undefined if it never came in the step. */
  readonly toMs: number | undefined;
  readonly ms: number;
  /** What the client got once answered again. */
  readonly recoveredWith: string | undefined;
  /** Failed requests in the gap. */
  readonly failed: number;
}

export interface StepResult {
  readonly index: number;
  readonly id: string;
  readonly title: string;
  readonly startMs: number;
  /** When the step's event happened (undefined for a step without one, e.g. the mails). */
  readonly eventMs: number | undefined;
  readonly event: string | undefined;
  readonly endMs: number;
  /** What was done before the event, and explanations. */
  readonly notes: readonly string[];
  readonly checks: readonly Check[];
  /** Nodes with the VIP on eth0 at the step's end (`ip -n NS addr`). */
  readonly vipHolders: readonly LbName[];
  /** Run-length summary of the client's answers from the event on: "master ×20, refused ×9, slave ×31". */
  readonly client: string;
  /** Only for steps that move the VIP; zero-length when the client never lost an answer. */
  readonly outage: Outage | undefined;
  /** Event to the new master's "Entering MASTER STATE". */
  readonly takeoverMs: number | undefined;
}

export interface Mail {
  /**
   * How it was sent: `notify.sh` through the lab's `mail` stand-in (stored in the outbox), or
   * `smtp`: keepalived's own alert (smtp_alert), caught by the lab's SMTP server.
   */
  readonly via: 'notify.sh' | 'smtp';
  /** The load balancer that sent it (smtp: by its address; notify.sh: by its From). */
  readonly node: LbName | undefined;
  /** The outbox file (notify.sh); empty for smtp. */
  readonly file: string;
  readonly atMs: number | undefined;
  readonly from: string;
  readonly to: string;
  readonly date: string;
  readonly subject: string;
  readonly body: string;
}

export interface DemoRun {
  readonly setup: RunSetup;
  /** ISO time of the run's start (wall clock, for the report only). */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
  readonly states: readonly StateChange[];
  readonly vips: readonly VipChange[];
  readonly links: readonly LinkChange[];
  readonly probes: readonly Probe[];
  readonly mails: readonly Mail[];
  /** Checks failed, not counting TODO checks. */
  readonly failed: number;
  readonly todos: number;
}
