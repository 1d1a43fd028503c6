/**
 * Whether a process counts for a vrrp_track_process, as keepalived 2.2.7 decides
 * (core/track_process.c read_procs, check_process, check_params):
 *  - without full_command the process's comm (the kernel's 15-character name, /proc/PID/stat)
 *    must equal `process`; with full_command (implied by parameters or param_match) argv[0]
 *    from /proc/PID/cmdline must;
 *  - parameters are compared as the NUL-separated bytes after argv[0]:
 *      exact    the process has exactly these arguments (none when none are given);
 *      partial  its arguments start with these whole arguments;
 *      initial  as partial, but the last one given may be a prefix of the process's argument;
 *    partial and initial with no parameters match any arguments;
 *  - zombies never count.
 */
import type { TrackProcessConfig } from '../config/model/vrrp-extras.js';

/** What the scanner knows about one process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** From /proc/PID/stat, between the parentheses. */
  readonly comm: string;
  readonly zombie: boolean;
  /** /proc/PID/cmdline (argv, each NUL-terminated); undefined when not read. */
  readonly cmdline: Uint8Array | undefined;
}

export type ProcessMatcher = (p: ProcessInfo) => boolean;

/** The configured parameters as keepalived stores them: each followed by a NUL. */
function paramBytes(params: readonly string[]): Buffer {
  return Buffer.concat(params.map((p) => Buffer.from(`${p}\0`)));
}

export function processMatcher(cfg: TrackProcessConfig): ProcessMatcher {
  const want = Buffer.from(cfg.process);
  const params = cfg.params.length === 0 ? undefined : paramBytes(cfg.params);
  return (p) => {
    if (p.zombie) return false;
    if (!cfg.fullCommand) return p.comm === cfg.process;
    const cmd = p.cmdline;
    if (cmd === undefined) return false;
    let nul = cmd.indexOf(0);
    if (nul < 0) nul = cmd.length;
    if (Buffer.compare(cmd.subarray(0, nul), want) !== 0) return false;
    if (cfg.paramMatch === 'none') return true;
    return paramsMatch(cfg.paramMatch, params, cmd.subarray(Math.min(nul + 1, cmd.length)));
  };
}

function paramsMatch(
  match: 'exact' | 'initial' | 'partial',
  want: Buffer | undefined,
  have: Uint8Array,
): boolean {
  if (want === undefined) return match !== 'exact' || have.length === 0;
  if (have.length < want.length) return false;
  const prefix = (n: number): boolean => Buffer.compare(have.subarray(0, n), want.subarray(0, n)) === 0;
  switch (match) {
    case 'exact':
      return have.length === want.length && prefix(want.length);
    case 'partial':
      return prefix(want.length);
    case 'initial':
      // Without the last parameter's NUL: that parameter may continue in the process's argv.
      return want.length === 1 || prefix(want.length - 1);
  }
}
