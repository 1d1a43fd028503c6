/**
 * printConfig(): a KeepalivedConfig back as keepalived.conf text that keepalived 2.2.7 accepts
 * and that loadConfig() reads back to the same model.
 *
 * Blocks come in the order keepalived needs them: names must be defined before they are
 * referenced (track_file, bfd_instance, vrrp_script, vrrp_track_process and track_group before
 * vrrp_instance; vrrp_sync_group after its instances; virtual_server_group before
 * virtual_server). Values are written only where they differ from what keepalived would
 * default or inherit, in the units its keywords take (µs fields as seconds with up to six
 * decimals, BFD intervals as milliseconds).
 *
 * What does not round-trip (see print.test.ts):
 * - `loc` of checkers: the file:line a checker was declared at. A printed file has its own
 *   lines; the location is for messages, not configuration (`comparable()` drops it).
 * - models where keepalived's VRRP process stopped before validating every instance (a
 *   non-existent interface, an instance without VRID or interface, no VIP where one is
 *   required: `vrrpValidationStopped()`). Their instances are unvalidated drafts (no unicast
 *   TTL default, a track_script whose script was removed kept, ...) and the reference that
 *   stopped keepalived is not in the model, so the printed text is validated when read back.
 *   For these, everything but the instances must match and the re-read model must round-trip.
 * Printed in keepalived's normalised form (round-trips, but keepalived -t no longer complains):
 * values it corrects (rule preferences it assigns, a route without device printed as
 * `no_track protocol 18`, ...); see CORRECTED_BY_KEEPALIVED in print.test.ts.
 * Known limits of the printed syntax (values the parser can produce but no keyword can write):
 * - a word holding a double quote (`"`): keepalived's plain splitter has no escape for it.
 * - an IPv6 rule with neither `from` nor `to` address prints `inet6 inet6` (keepalived steps
 *   over the word after inet6).
 */
import type { KeepalivedConfig } from '../model.js';
import { printBfd, printTrackFiles } from './bfd-track-file.js';
import { Out } from './format.js';
import { printGlobalDefs, printRootKeywords } from './global.js';
import { printLvs } from './lvs.js';
import { printSyncGroups, printVrrpStatics, printVrrpTrackers } from './vrrp-extras.js';
import { printVrrpInstance } from './vrrp-instance.js';

export function printConfig(model: KeepalivedConfig): string {
  const o = new Out();
  const g = model.global;
  printRootKeywords(g, o);
  printGlobalDefs(g, o);
  printTrackFiles(model.trackFiles, o);
  printBfd(model.bfd, o);
  printVrrpTrackers(model.vrrp, o);
  printVrrpStatics(model.vrrp, o);
  for (const v of model.vrrp.instances) printVrrpInstance(v, g, o);
  printSyncGroups(model.vrrp, o);
  printLvs(model.lvs, g, o);
  return o.text();
}
