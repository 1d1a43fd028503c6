/**
 * virtual_server_group and SSL root blocks (keepalived check/check_parser.c vsg_handler,
 * ssl_handler; check_data.c alloc_vsg_entry).
 */
import { Buffer } from 'node:buffer';
import { type Keyword, type ParseContext, type RootKeyword, Words } from '../parser.js';
import { readUnsigned } from '../values.js';
import { meaningfulPort, parseSockAddr, type SockAddr } from './check-addr.js';
import { LVS, type SslDraft, type VsgDraft } from './check-state.js';

const UINT_MAX = 4294967295;

/** strtoul: optional sign, digits in base 10 or 16 (with optional 0x); the unparsed rest. */
function strtoul(s: string, base: 10 | 16): { value: number; rest: string } {
  const re = base === 16 ? /^([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/ : /^([+-]?)([0-9]+)/;
  const m = re.exec(s);
  if (!m) return { value: 0, rest: s };
  let value = Number.parseInt(m[2] as string, base);
  // A negative value wraps to a huge unsigned long: always "too large" here.
  if (m[1] === '-' && value !== 0) value = Number.MAX_SAFE_INTEGER;
  return { value, rest: s.slice(m[0].length) };
}

function word16(a: SockAddr, i: number): number {
  return a.bytes.readUInt16BE(i * 2);
}

function compareAddr(a: SockAddr, b: SockAddr): number {
  return Buffer.compare(a.bytes, b.bytes);
}

/** One line of a virtual_server_group block (alloc_vsg_entry). */
function vsgEntry(ctx: ParseContext, vsg: VsgDraft, vec: string[]): void {
  const w = (i: number): string => vec[i] ?? '';
  const addrStr = w(0);
  if (addrStr === 'fwmark') {
    // A missing mark stops the parse as any missing value does.
    new Words(vec, vec.join(' '), ctx).at(1);
    const fwmark = readUnsigned(ctx, w(1), 0, UINT_MAX, true);
    if (fwmark === undefined) {
      ctx.report('general-error', `(${vsg.name}): fwmark '${w(1)}' must be in [0, ${UINT_MAX}] - ignoring`);
      return;
    }
    let family: 4 | 6 | undefined;
    if (vec.length > 2) {
      if (w(2) === 'inet') family = 4;
      else if (w(2) === 'inet6') family = 6;
      else {
        ctx.report('general-error', `(${vsg.name}): fwmark '${fwmark}' family ${w(2)} unknown - ignoring`);
        return;
      }
      if (family === 4) vsg.haveIpv4 = true;
      else vsg.haveIpv6 = true;
    } else vsg.fwmarkNoFamily = true;
    vsg.fwmarks.push({ fwmark, family });
    return;
  }
  const portStr = meaningfulPort(vec[1]);
  const start = parseSockAddr(ctx, addrStr, portStr);
  if (!start || start.family === 0) {
    const p = portStr ? `/port/${portStr}` : '';
    ctx.report('general-error', `Invalid virtual server group IP address ${addrStr} ${p} - skipping`);
    return;
  }
  const end: SockAddr = { ...start, bytes: Buffer.from(start.bytes) };
  const v4 = start.family === 4;
  const slash = addrStr.indexOf('/');
  const dash = addrStr.indexOf('-');
  if (slash >= 0) {
    const m = strtoul(addrStr.slice(slash + 1), 10);
    const mask = m.value;
    if (m.rest !== '' || !mask || (v4 && mask > 32) || mask > 128) {
      ctx.report('general-error', `Invalid netmask - ${addrStr} - skipping`);
      return;
    }
    // keepalived's IPv4 /32 takes the IPv6 path over the zero tail of the sockaddr: no error.
    const bits = v4 ? 32 : 128;
    if (mask < bits) {
      let bad = false;
      for (let bit = mask; bit < bits; bit++) {
        const byte = bit >> 3;
        const m8 = 0x80 >> (bit & 7);
        if ((start.bytes[byte] as number) & m8) bad = true;
        end.bytes[byte] = (end.bytes[byte] as number) | m8;
      }
      if (bad) {
        ctx.report('general-error', `Address mask bits not empty - ${addrStr} - skipping`);
        return;
      }
    }
  } else if (dash >= 0 && addrStr.slice(dash + 1).includes(v4 ? '.' : ':')) {
    const e = parseSockAddr(ctx, addrStr.slice(dash + 1), portStr);
    if (!e) {
      ctx.report('general-error', `Invalid range end ${addrStr} - skipping`);
      return;
    }
    if (e.family !== start.family) {
      ctx.report('general-error', `Range address families do not match ${addrStr} - skipping`);
      return;
    }
    if (compareAddr(start, e) > 0) {
      ctx.report(
        'general-error',
        `Address range end is less than address range start - ${addrStr} - skipping`,
      );
      return;
    }
    e.bytes.copy(end.bytes);
  } else if (dash >= 0) {
    // inet_stor: `A-N`, N replacing the last byte (IPv4) or last 16-bit word (IPv6, hex).
    const tail = addrStr.slice(dash + 1);
    const r = strtoul(tail, v4 ? 10 : 16);
    if (r.rest !== '') {
      const warn = ctx.testMode ? '' : 'WARNING - ';
      ctx.report(
        'invalid-number',
        `${warn}Virtual server group range '${addrStr}' has extra characters at end '${r.rest}'`,
      );
      if (ctx.testMode) return;
    } else if (r.value > (v4 ? 255 : 0xffff)) {
      ctx.report('invalid-number', `Virtual server group range '${addrStr}' end '${tail}' too large`);
      return;
    }
    const range = r.value;
    let first: number;
    if (v4) {
      first = start.bytes[3] as number;
      end.bytes[3] = range & 0xff;
    } else {
      first = word16(start, 7);
      end.bytes.writeUInt16BE(range & 0xffff, 14);
    }
    if (first >= range) {
      ctx.report(
        'general-error',
        `Address range end is not greater than address range start - ${addrStr} - skipping`,
      );
      return;
    }
  }
  vsg.ranges.push({ start, end });
  if (v4) vsg.haveIpv4 = true;
  else vsg.haveIpv6 = true;
}

function vsgHandler(ctx: ParseContext, w: Words): void {
  const vsg: VsgDraft = {
    name: w.at(1),
    ranges: [],
    fwmarks: [],
    haveIpv4: false,
    haveIpv6: false,
    fwmarkNoFamily: false,
  };
  const lvs = ctx.state(LVS);
  lvs.groups.push(vsg);
  // The block is read as values with the group name left out, as keepalived does.
  ctx.forEachValueLine(['(null)', ...w.words.slice(2)], (vec) => vsgEntry(ctx, vsg, vec));
  if (vsg.fwmarks.length === 0 && vsg.ranges.length === 0) {
    ctx.report('general-error', `virtual server group ${vsg.name} has no entries - removing`);
    lvs.groups.pop();
  } else if (vsg.haveIpv4 && vsg.haveIpv6 && vsg.fwmarkNoFamily) {
    ctx.report(
      'general-error',
      `virtual server group ${vsg.name} cannot have IPv4, IPv6 and fwmark without family - removing`,
    );
    lvs.groups.pop();
  }
}

function sslFile(key: keyof SslDraft, type: string): Keyword {
  return {
    name:
      key === 'password' ? 'password' : key === 'caFile' ? 'ca' : key === 'certFile' ? 'certificate' : 'key',
    handler: (ctx, w) => {
      const ssl = ctx.state(LVS).ssl;
      if (!ssl) return;
      if (!w.has(1)) {
        ctx.report('general-error', `SSL ${type} missing`);
        return;
      }
      if (ssl[key] !== undefined) ctx.report('general-error', `SSL ${type} already specified - replacing`);
      ssl[key] = w.at(1);
    },
  };
}

export const groupAndSslRoots: RootKeyword[] = [
  {
    name: 'SSL',
    section: 'check',
    handler: (ctx) => {
      const lvs = ctx.state(LVS);
      if (lvs.ssl) ctx.report('general-error', 'SSL context already specified - replacing');
      lvs.ssl = { password: undefined, caFile: undefined, certFile: undefined, keyFile: undefined };
    },
    sub: [
      sslFile('password', 'password'),
      sslFile('caFile', 'cafile'),
      sslFile('certFile', 'certfile'),
      sslFile('keyFile', 'keyfile'),
    ],
  },
  { name: 'virtual_server_group', section: 'check', handler: vsgHandler },
];
