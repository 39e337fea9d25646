/**
 * How Azure reads the IPv4 address prefixes of virtual networks and subnets, written from Azure's own
 * documentation so the emulator judges a request independently of whoever sent it (the provisioner has
 * its own CIDR code; sharing it would let one bug agree with itself).
 *
 * Sources:
 * - Subnets must use CIDR notation, lie within the VNet's address space and not overlap another subnet
 *   of the VNet: "Add, change, or delete a virtual network subnet",
 *   https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet
 * - A VNet's address space is a list of CIDR prefixes; a subnet's range must fall inside one of them:
 *   "Azure Virtual Network FAQ", https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq
 * - ARM refuses a prefix whose host bits are set and names the network address it expected
 *   (`InvalidCIDRNotation`, "the address prefix should be …"): Virtual Networks REST API error
 *   reference, https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/create-or-update
 *
 * IPv4 only: every network the emulated services build is IPv4.
 */

/** An inclusive range of IPv4 addresses, as unsigned 32-bit integers, and the prefix length it came from. */
export interface AddressRange {
  readonly first: number;
  readonly last: number;
  readonly bits: number;
}

/** What reading an address prefix gave. */
export type PrefixReading =
  | { readonly kind: "range"; readonly range: AddressRange }
  /** Host bits are set; `networkPrefix` is the prefix Azure says to use instead. */
  | { readonly kind: "host-bits-set"; readonly networkPrefix: string }
  | { readonly kind: "not-cidr" };

// Dotted decimal, each part 0-255 written without leading zeros (a leading zero reads as octal in some
// parsers, so Azure's examples and portal never use one).
const DECIMAL_OCTET = "(?:0|[1-9][0-9]{0,2})";
const PREFIX = new RegExp(
  `^(${DECIMAL_OCTET})\\.(${DECIMAL_OCTET})\\.(${DECIMAL_OCTET})\\.(${DECIMAL_OCTET})/([0-9]{1,2})$`,
);

/** The network mask of a prefix length, as an unsigned 32-bit integer. */
function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function dotted(address: number): string {
  return [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join(".");
}

/** Reads `a.b.c.d/n` the way ARM does for `addressPrefix(es)` and `addressSpace.addressPrefixes`. */
export function readAddressPrefix(text: string): PrefixReading {
  const match = PREFIX.exec(text);
  if (!match) return { kind: "not-cidr" };
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((octet) => octet > 255) || bits > 32) return { kind: "not-cidr" };
  const address = octets.reduce((value, octet) => ((value << 8) | octet) >>> 0, 0);
  const mask = maskOf(bits);
  const network = (address & mask) >>> 0;
  if (network !== address) return { kind: "host-bits-set", networkPrefix: `${dotted(network)}/${bits}` };
  return { kind: "range", range: { first: network, last: (network | ~mask) >>> 0, bits } };
}

/** True when every address of `inner` is also in `outer`. */
export function rangeWithin(inner: AddressRange, outer: AddressRange): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

/** True when the two ranges share at least one address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}
