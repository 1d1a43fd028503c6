/**
 * track_file / vrrp_track_file blocks (keepalived trackers/track_file.c), shared by the VRRP
 * instances, sync groups and the checkers' real servers, which refer to them by name.
 */

export const TRACK_FILE_LIMITS = {
  weightMin: -254,
  weightMax: 254,
  /** A weight of 1 means "not set" to keepalived (e.g. for address owners). */
  weightDefault: 1,
} as const;

export interface TrackFileConfig {
  readonly name: string;
  /** The file watched; its content is an integer (multiplied by the weight). */
  readonly file: string;
  /** Default weight for those tracking it (-254..254, default 1). */
  readonly weight: number;
  /** `weight N reverse`: the value lowers the priority instead of raising it. */
  readonly weightReverse: boolean;
  /**
   * `init_file [VALUE] [overwrite]`: write VALUE (default 0) to the file at start if it is
   * missing, or always with `overwrite` (never on reload).
   */
  readonly initFile: { readonly value: number; readonly overwrite: boolean } | undefined;
}

/**
 * A track file as one VRRP instance or sync group tracks it (`track_file { NAME weight N }`):
 * the weight and direction default to the track file's own.
 */
export interface TrackFileMonitorConfig {
  readonly name: string;
  readonly weight: number;
  readonly weightReverse: boolean;
}
