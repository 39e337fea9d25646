/** IPv4 CIDR arithmetic for subnet validation (ranges inside the VNet, no overlaps). */

/** An IPv4 range as inclusive start and end addresses (unsigned 32-bit). */
export interface Ipv4Range {
  readonly start: number;
  readonly end: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed. */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1 };
}

export const rangesOverlap = (a: Ipv4Range, b: Ipv4Range): boolean => a.start <= b.end && b.start <= a.end;

export const rangeContains = (outer: Ipv4Range, inner: Ipv4Range): boolean =>
  outer.start <= inner.start && inner.end <= outer.end;
