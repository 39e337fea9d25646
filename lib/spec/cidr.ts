/**
 * IPv4 address and CIDR arithmetic for spec validation and default subnet layout. Pure functions over
 * 32-bit unsigned integers; IPv6 is out of scope because every network this service builds is IPv4.
 */

/** An IPv4 block: its first address (as an unsigned 32-bit integer) and its prefix length (0–32). */
export interface Ipv4Block {
  readonly base: number;
  readonly prefixLength: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address (no leading zeros); undefined when malformed. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Formats an unsigned 32-bit integer as a dotted-quad address. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/** Why a CIDR text was refused, phrased so the user knows what to write instead. */
export type CidrProblem =
  { readonly kind: "syntax" } | { readonly kind: "host-bits"; readonly suggestion: string };

/**
 * Parses `a.b.c.d/n`. Host bits must be zero (`10.0.0.1/16` is refused with the network address as a
 * suggestion), because Azure rejects such prefixes on VNets and subnets.
 */
export function parseCidr(
  text: string,
): { ok: true; block: Ipv4Block } | { ok: false; problem: CidrProblem } {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const address = match ? parseIpv4(match[1]!) : undefined;
  const prefixLength = match ? Number(match[2]) : NaN;
  if (address === undefined || !(prefixLength >= 0 && prefixLength <= 32)) {
    return { ok: false, problem: { kind: "syntax" } };
  }
  const base = address - (address % blockSize(prefixLength));
  if (base !== address) {
    return { ok: false, problem: { kind: "host-bits", suggestion: formatCidr({ base, prefixLength }) } };
  }
  return { ok: true, block: { base, prefixLength } };
}

/** Formats a block as `a.b.c.d/n`. */
export function formatCidr(block: Ipv4Block): string {
  return `${formatIpv4(block.base)}/${block.prefixLength}`;
}

/** True when `inner` lies entirely within `outer`. */
export function containsBlock(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return (
    inner.prefixLength >= outer.prefixLength &&
    inner.base >= outer.base &&
    inner.base + blockSize(inner.prefixLength) <= outer.base + blockSize(outer.prefixLength)
  );
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base < b.base + blockSize(b.prefixLength) && b.base < a.base + blockSize(a.prefixLength);
}

/** True when `address` lies within `block`. */
export function containsAddress(block: Ipv4Block, address: number): boolean {
  return address >= block.base && address < block.base + blockSize(block.prefixLength);
}

/**
 * The `index`-th sub-block of length `prefixLength` inside `outer` (0-based), or undefined when it does
 * not fit. Used to lay out default subnets inside whatever VNet the user chose.
 */
export function subBlock(outer: Ipv4Block, prefixLength: number, index: number): Ipv4Block | undefined {
  if (prefixLength < outer.prefixLength || prefixLength > 32 || index < 0) return undefined;
  const base = outer.base + index * blockSize(prefixLength);
  const block = { base, prefixLength };
  return containsBlock(outer, block) ? block : undefined;
}

/**
 * The first block of length `prefixLength` inside `outer` that overlaps none of `taken`, scanning from
 * the start of `outer`; undefined when none is free. Skips past each block it hits, so the work grows
 * with the number of taken blocks, not with the size of `outer`.
 */
export function firstFreeBlock(
  outer: Ipv4Block,
  prefixLength: number,
  taken: readonly Ipv4Block[],
): Ipv4Block | undefined {
  if (prefixLength < outer.prefixLength || prefixLength > 32) return undefined;
  const size = blockSize(prefixLength);
  const end = outer.base + blockSize(outer.prefixLength);
  let base = outer.base;
  while (base + size <= end) {
    const candidate = { base, prefixLength };
    const hit = taken.find((block) => overlaps(block, candidate));
    if (!hit) return candidate;
    // The next aligned start at or after the end of the block hit (outer's base is aligned to size).
    const next = Math.ceil((hit.base + blockSize(hit.prefixLength)) / size) * size;
    base = Math.max(next, base + size);
  }
  return undefined;
}
