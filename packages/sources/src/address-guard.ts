import { isIP } from "node:net";

/**
 * Why an address must not be fetched from (loopback, private, link-local where cloud metadata
 * answers, CGNAT, multicast, unspecified, reserved), or undefined for a public address. IPv6
 * forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, compatible, NAT64, 6to4) are judged
 * by that IPv4 address. Anything that is not an IP address is refused: it cannot be checked.
 */
export function forbiddenAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  switch (isIP(bare)) {
    case 4:
      return ipv4Reason(bare.split(".").map(Number) as [number, number, number, number]);
    case 6:
      return ipv6Reason(bare);
    default:
      return "not an IP address";
  }
}

function ipv4Reason([a, b, c]: [number, number, number, number]): string | undefined {
  if (a === 0) return "an unspecified address (0.0.0.0/8)";
  if (a === 127) return "a loopback address (127.0.0.0/8)";
  if (a === 10) return "a private address (10.0.0.0/8)";
  if (a === 172 && b >= 16 && b <= 31) return "a private address (172.16.0.0/12)";
  if (a === 192 && b === 168) return "a private address (192.168.0.0/16)";
  if (a === 169 && b === 254) return "a link-local address (169.254.0.0/16, where cloud metadata services answer)";
  if (a === 100 && b >= 64 && b <= 127) return "a carrier-grade NAT address (100.64.0.0/10)";
  if (a === 192 && b === 0 && c === 0) return "a reserved address (192.0.0.0/24)";
  if (a === 198 && (b === 18 || b === 19)) return "a reserved address (198.18.0.0/15)";
  if (a >= 224 && a <= 239) return "a multicast address (224.0.0.0/4)";
  if (a >= 240) return "a reserved or broadcast address (240.0.0.0/4)";
  return undefined;
}

function ipv6Reason(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return "not an IP address";
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const embedded = (high: number, low: number, form: string) => {
    const reason = ipv4Reason([high >> 8, high & 0xff, low >> 8, low & 0xff]);
    return reason ? `${form} of ${reason}` : undefined;
  };
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroUpTo(8)) return "the unspecified address (::)";
  if (zeroUpTo(7) && g7 === 1) return "a loopback address (::1)";
  if (zeroUpTo(5) && g5 === 0xffff) return embedded(g6, g7, "an IPv4-mapped IPv6 form");
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return embedded(g6, g7, "an IPv4-translated IPv6 form");
  if (zeroUpTo(6)) return embedded(g6, g7, "an IPv4-compatible IPv6 form");
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embedded(g6, g7, "a NAT64 form");
  if (g0 === 0x2002) return embedded(g1, g2, "a 6to4 form");
  if ((g0 & 0xfe00) === 0xfc00) return "a private (unique local) address (fc00::/7)";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address (fe80::/10)";
  if ((g0 & 0xffc0) === 0xfec0) return "a site-local address (fec0::/10)";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address (ff00::/8)";
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 read). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail].map((group) =>
    /^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN,
  );
  return groups.some(Number.isNaN) ? undefined : groups;
}

