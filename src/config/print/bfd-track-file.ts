/** bfd_instance and track_file root blocks (times of BFD in milliseconds, 3 decimals). */
import { BFD_LIMITS, type BfdConfig } from '../model/bfd.js';
import type { TrackFileConfig } from '../model/track-file.js';
import { millis, type Out, word } from './format.js';

export function printTrackFiles(files: readonly TrackFileConfig[], o: Out): void {
  for (const f of files) {
    o.block(`track_file ${word(f.name)}`, (b) => {
      b.line('file', word(f.file));
      if (f.weight !== 1 || f.weightReverse)
        b.line('weight', f.weight, f.weightReverse ? 'reverse' : undefined);
      if (f.initFile) b.line('init_file', f.initFile.value, f.initFile.overwrite ? 'overwrite' : undefined);
    });
  }
}

export function printBfd(bfd: BfdConfig, o: Out): void {
  const L = BFD_LIMITS;
  for (const i of bfd.instances) {
    o.block(`bfd_instance ${word(i.name)}`, (b) => {
      b.line('neighbor_ip', i.neighborIp);
      if (i.sourceIp !== undefined) b.line('source_ip', i.sourceIp);
      if (i.minRxUs !== L.minRxDefaultMs * 1000) b.line('min_rx', millis(i.minRxUs));
      if (i.minTxUs !== L.minTxDefaultMs * 1000) b.line('min_tx', millis(i.minTxUs));
      if (i.idleTxUs !== L.idleTxDefaultMs * 1000) b.line('idle_tx', millis(i.idleTxUs));
      if (i.multiplier !== L.multiplierDefault) b.line('multiplier', i.multiplier);
      if (i.passive) b.line('passive');
      const ttl = i.family === 6 ? L.hopLimitDefaultV6 : L.ttlDefaultV4;
      if (i.ttl !== ttl) b.line(i.family === 6 ? 'hoplimit' : 'ttl', i.ttl);
      if (i.maxHops !== 0) b.line('max_hops', i.maxHops);
      if (i.weight !== 0 || i.weightReverse)
        b.line('weight', i.weight, i.weightReverse ? 'reverse' : undefined);
      if (!(i.notifyVrrp && i.notifyChecker)) {
        if (i.notifyVrrp) b.line('vrrp');
        if (i.notifyChecker) b.line('checker');
      }
    });
  }
}
