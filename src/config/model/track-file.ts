/** vrrp_track_file / track_file blocks (shared by VRRP and the checkers). */
export interface TrackFileConfig {
  readonly name: string;
  readonly file: string;
  readonly weight: number;
  readonly initFile: { readonly value: number; readonly overwrite: boolean } | undefined;
}
