/**
 * Split-brain awareness, pure. Only a master sends adverts, so a master that hears a non-zero
 * advert from another address for its VRID (validated: same VIPs, same interval) is hearing
 * another master. Two cases look alike:
 *  - preemption: a higher-priority router came back, heard us as BACKUP and took over; we hear
 *    its first advert right after it became master, and yield;
 *  - split brain: the two could not hear each other (a partition, a filtered link), both became
 *    master, and the path is back. The winner hears the loser's advert long after becoming master.
 * So a split brain is an advert from a losing master heard more than one advert interval after
 * we became master (it should have heard us by then). A preempting master also hears the old
 * master's last advert (fsm.ts sends one on yielding), but within that first interval.
 * An episode lasts while such adverts keep coming within `holdUs` of each other; it is logged,
 * counted and notified once.
 */

export interface SplitBrainClock {
  readonly nowUs: number;
  /** When this instance became master (undefined: not master). */
  readonly masterSinceUs: number | undefined;
  /** The running episode ends after this time. */
  readonly untilUs: number | undefined;
}

export interface SplitBrainRules {
  readonly adverIntUs: number;
  /** How long an episode outlives the last advert heard (the master-down interval). */
  readonly holdUs: number;
}

export interface SplitBrainVerdict {
  readonly newEpisode: boolean;
  readonly untilUs: number | undefined;
}

/** For an advert that loses the election to us (a winning one is a preemption: we yield). */
export function detectSplitBrain(c: SplitBrainClock, r: SplitBrainRules): SplitBrainVerdict {
  const settled = c.masterSinceUs !== undefined && c.nowUs - c.masterSinceUs > r.adverIntUs;
  if (!settled) return { newEpisode: false, untilUs: c.untilUs };
  const running = c.untilUs !== undefined && c.nowUs <= c.untilUs;
  return { newEpisode: !running, untilUs: c.nowUs + r.holdUs };
}

/** The log line of a new episode. */
export function splitBrainLine(vrid: number, peer: string, peerPriority: number, ours: number): string {
  return `Split brain: ${peer} is also MASTER for VRID ${vrid} (its priority ${peerPriority}, ours ${ours}) - it yields, re-announcing our VIPs`;
}
