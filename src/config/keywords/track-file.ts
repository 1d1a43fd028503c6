/** track_file / vrrp_track_file (keepalived trackers/track_file.c). */
import type { TrackFileConfig } from '../model/track-file.js';
import { type RootKeyword, StateKey } from '../parser.js';
import type { SectionModule } from '../section.js';

export const TRACK_FILES = new StateKey<TrackFileConfig[]>('track_file', () => []);

const roots: RootKeyword[] = [];

export const trackFileSection: SectionModule<readonly TrackFileConfig[]> = {
  name: 'track_file',
  roots: () => roots,
  build: (ctx) => ctx.state(TRACK_FILES),
};
