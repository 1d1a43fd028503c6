/**
 * The parse state of bfd_instance blocks. keepalived reads them in three processes, each keeping
 * something different: the BFD process the sessions (`instances`), the VRRP and checker processes
 * only the names they may track (`tracked`, with weights in VRRP).
 */
import type { IpAddr } from '../../base/ip.js';
import { StateKey } from '../parser.js';

export interface BfdInstanceDraft {
  name: string;
  neighbor: IpAddr | undefined;
  source: IpAddr | undefined;
  minRxUs: number;
  minTxUs: number;
  idleTxUs: number;
  multiplier: number;
  passive: boolean;
  /** 0 until configured; the end of the block applies the family's default. */
  ttl: number;
  maxHops: number;
  weight: number;
  weightReverse: boolean;
  notifyVrrp: boolean;
  notifyChecker: boolean;
}

export interface TrackedBfdDraft {
  name: string;
  weight: number;
  weightReverse: boolean;
}

export interface BfdDraft {
  /** BFD pass: the sessions so far; an invalid one is removed when found invalid. */
  instances: BfdInstanceDraft[];
  /** VRRP and checker passes: the bfd_instance names that process can track. */
  tracked: TrackedBfdDraft[];
  /** `vrrp` / `checker` seen in the current block (keepalived's specified_event_processes). */
  events: { vrrp: boolean; checker: boolean };
  /**
   * keepalived spells "neighbour" in later messages once a neighbor_ip *value* is the word
   * `neighbour_ip` (it compares the wrong word); a quirk kept for the same wording.
   */
  neighborWord: 'neighbor' | 'neighbour';
}

export const BFD = new StateKey<BfdDraft>('bfd', () => ({
  instances: [],
  tracked: [],
  events: { vrrp: false, checker: false },
  neighborWord: 'neighbor',
}));

/** The BFD process's instance being read (keepalived's list_last_entry of bfd_data->bfd). */
export function lastInstance(draft: BfdDraft): BfdInstanceDraft | undefined {
  return draft.instances[draft.instances.length - 1];
}

export function removeInstance(draft: BfdDraft, inst: BfdInstanceDraft): void {
  const i = draft.instances.indexOf(inst);
  if (i >= 0) draft.instances.splice(i, 1);
}
