/**
 * `encap TYPE ...` of a route or nexthop (keepalived vrrp_iproute.c parse_encap): ip, ip6,
 * mpls and ila lightweight tunnels. keepalived keeps the route whatever happens here.
 */
import type { EncapConfig, EncapTunnel } from '../model/vrrp-extras.js';
import type { ParseContext, Words } from '../parser.js';
import { parseIpAddress } from './vrrp-address.js';
import { findRtEntry, getU64, getUnsigned, isAddr64, isMplsAddress } from './vrrp-route-tables.js';

/** Reads from the word at iRef.i (`encap`); leaves iRef.i on the last word it used. */
export function encapWords(ctx: ParseContext, v: Words, iRef: { i: number }): EncapConfig | undefined {
  // parse_encap(): TYPE then its options; keepalived keeps the route whatever happens here.
  if (v.length <= ++iRef.i) {
    ctx.report('general-error', 'Missing encap type');
    return undefined;
  }
  const type = v.at(iRef.i++);
  const start = iRef.i;
  const fail = (msg: string): undefined => {
    ctx.report('general-error', msg);
    return undefined;
  };
  let result: EncapConfig | undefined;
  if (type === 'mpls') {
    if (iRef.i >= v.length) fail('missing address for MPLS encapsulation');
    else {
      const s = v.at(iRef.i++);
      if (!isMplsAddress(s)) fail(`invalid mpls address ${s} for encapsulation`);
      else result = { type, words: [s] };
    }
  } else if (type === 'ila') {
    if (iRef.i >= v.length) fail('missing locator for ILA encapsulation');
    else {
      const s = v.at(iRef.i++);
      if (!isAddr64(s)) fail(`invalid locator ${s} for ila encapsulation`);
      else result = { type, words: [s] };
    }
  } else if (type === 'ip' || type === 'ip6') {
    const fam = type === 'ip' ? 4 : 6;
    let haveDst = false;
    let haveId = false;
    let ok = true;
    const tunnel: { -readonly [K in keyof EncapTunnel]: EncapTunnel[K] } = {};
    while (ok && iRef.i + 1 < v.length) {
      const s = v.at(iRef.i);
      const s1 = v.at(iRef.i + 1);
      if (s === 'id') {
        const id = getU64(
          ctx,
          s1,
          type === 'ip' ? 'encap id %s value is invalid' : 'id %s value invalid for IPv6 encapsulation',
        );
        ok = id !== undefined;
        if (id !== undefined) tunnel.id = id.toString();
        haveId ||= ok;
      } else if (s === 'dst' || s === 'src') {
        const a = parseIpAddress(ctx, s1, false);
        if (!a) ok = !!fail(`Invalid encap ${type} ${s} ${s1}`);
        else if (a.family !== fam)
          ok = !!fail(`${fam === 4 ? 'IPv6' : 'IPv4'} address ${s1} not valid for ${type} encapsulation`);
        else if (s === 'dst') {
          haveDst = true;
          tunnel.dst = a.address;
        } else tunnel.src = a.address;
      } else if ((type === 'ip' && s === 'tos') || (type === 'ip6' && s === 'tc')) {
        const tos = findRtEntry(ctx, 'rt_dsfield', s1);
        if (tos !== undefined) tunnel.tos = tos;
        else
          ok = !!fail(
            type === 'ip'
              ? `dsfield ${s1} not valid for ip encapsulation`
              : `tc value ${s} is invalid for ip6 encapsulation`,
          );
      } else if ((type === 'ip' && s === 'ttl') || (type === 'ip6' && s === 'hoplimit')) {
        const ttl = getUnsigned(
          ctx,
          s1,
          255,
          type === 'ip'
            ? 'ttl %s is not valid for ip encapsulation'
            : 'Invalid hoplimit %s specified for ip6 encapsulation',
        );
        ok = ttl !== undefined;
        if (ttl !== undefined) tunnel.ttl = ttl;
      } else if (s === 'flags') {
        const flags = getUnsigned(ctx, s1, 65535, `flags %s is not valid for ${type} encapsulation`);
        ok = flags !== undefined;
        if (flags !== undefined) tunnel.flags = flags;
      } else break;
      if (ok) iRef.i += 2;
    }
    // keepalived tests the IPv4 dst field for both (an ip6 dst shares its place).
    if (ok && !haveDst && !haveId) fail(`address or id missing for ${type} encapsulation`);
    else if (ok) result = { type, words: v.words.slice(start, iRef.i), tunnel };
  } else {
    ctx.report('general-error', `Unknown encap type - ${type}`);
    return undefined;
  }
  iRef.i--;
  return result;
}
