package io.featurex.worker.fetch;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a fetch may connect to: the globally reachable ones. {@link #BLOCKS} is the IANA
 * IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, RFC 8190 and the RFCs that added
 * entries since), every entry with its registry name, RFC and "Globally Reachable" value, as of
 * the registries' 2025 updates, plus the few blocks other IANA registries make unreachable. As in
 * the registries ("unless allowed by a more specific allocation"), the most specific block that
 * holds an address decides; an address in no block is ordinary global unicast.
 *
 * <p>Where an IPv6 address only carries an IPv4 one (NAT64's 64:ff9b::/96, 6to4, Teredo,
 * IPv4-compatible), the IPv4 address is judged instead: a translator or relay connects to it, so
 * 64:ff9b::a9fe:a9fe is the metadata service at 169.254.169.254. An IPv4-mapped answer reaches
 * us from the JDK as the IPv4 address itself and is judged as one; kept as IPv6 it is refused,
 * as its registry entry says.
 *
 * <p>Containment and the embedded forms come from seancfoley's IPAddress library rather than
 * Guava's {@code InetAddresses}: Guava extracts the compatible, 6to4 and Teredo forms but knows
 * neither NAT64 nor prefixes, so the blocks would be hand-written bit masks; IPAddress parses the
 * registry's own CIDR text, tests containment and knows every form, with no dependencies of its
 * own (Guava is not on the worker's class path at all).
 */
final class PublicAddresses {

    /** What the registry's "Globally Reachable" column says of a block. */
    enum Reach {
        /** False: refused. */
        NOT_GLOBAL,
        /** True: allowed, also inside a block that is not (192.0.0.9 in 192.0.0.0/24). */
        GLOBAL,
        /** N/A or True for a translation prefix: as the IPv4 address embedded in it. */
        EMBEDDED_IPV4
    }

    /** One registry entry. */
    record Block(String cidr, String name, String reference, Reach reach, IPAddress range) {

        Block(String cidr, String name, String reference, Reach reach) {
            this(
                    cidr,
                    name,
                    reference,
                    reach,
                    new IPAddressString(cidr).getAddress().toPrefixBlock());
        }

        String describe() {
            return name + " (" + cidr + ", " + reference + ")";
        }
    }

    static final List<Block> BLOCKS = List.of(
            // IANA IPv4 Special-Purpose Address Registry
            notGlobal("0.0.0.0/8", "\"This network\"", "RFC 791"),
            notGlobal("0.0.0.0/32", "\"This host on this network\"", "RFC 1122"),
            notGlobal("10.0.0.0/8", "Private-Use", "RFC 1918"),
            notGlobal("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
            notGlobal("127.0.0.0/8", "Loopback", "RFC 1122"),
            notGlobal("169.254.0.0/16", "Link Local", "RFC 3927"),
            notGlobal("172.16.0.0/12", "Private-Use", "RFC 1918"),
            notGlobal("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
            notGlobal("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
            notGlobal("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
            global("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
            global("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
            notGlobal("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880"),
            notGlobal("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880"),
            notGlobal("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
            global("192.31.196.0/24", "AS112-v4", "RFC 7535"),
            global("192.52.193.0/24", "AMT", "RFC 7450"),
            // Terminated in 2015, its columns left empty: nothing an image is served from.
            notGlobal("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
            notGlobal("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751"),
            notGlobal("192.168.0.0/16", "Private-Use", "RFC 1918"),
            global("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
            notGlobal("198.18.0.0/15", "Benchmarking", "RFC 2544"),
            notGlobal("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
            notGlobal("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
            notGlobal("240.0.0.0/4", "Reserved", "RFC 1112"),
            notGlobal("255.255.255.255/32", "Limited Broadcast", "RFC 919"),
            // IANA IPv4 Multicast Address Space Registry: no TCP connection goes there.
            notGlobal("224.0.0.0/4", "Multicast", "RFC 5771"),

            // IANA IPv6 Special-Purpose Address Registry
            notGlobal("::1/128", "Loopback Address", "RFC 4291"),
            notGlobal("::/128", "Unspecified Address", "RFC 4291"),
            notGlobal("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291"),
            embedded("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052"),
            notGlobal("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215"),
            notGlobal("100::/64", "Discard-Only Address Block", "RFC 6666"),
            notGlobal("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
            notGlobal("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
            embedded("2001::/32", "TEREDO", "RFC 4380"),
            global("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
            global("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
            global("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
            notGlobal("2001:2::/48", "Benchmarking", "RFC 5180"),
            global("2001:3::/32", "AMT", "RFC 7450"),
            global("2001:4:112::/48", "AS112-v6", "RFC 7535"),
            // Terminated in 2014, its columns left empty; inside 2001::/23 either way.
            notGlobal("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
            global("2001:20::/28", "ORCHIDv2", "RFC 7343"),
            global("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
            notGlobal("2001:db8::/32", "Documentation", "RFC 3849"),
            embedded("2002::/16", "6to4", "RFC 3056"),
            global("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
            notGlobal("3fff::/20", "Documentation", "RFC 9637"),
            notGlobal("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
            notGlobal("fc00::/7", "Unique-Local", "RFC 4193"),
            notGlobal("fe80::/10", "Link-Local Unicast", "RFC 4291"),
            // IANA IPv6 Address Space Registry: the deprecated IPv4-compatible form (whose ::/128
            // and ::1/128 the entries above take), and deprecated site-local, which hosts still
            // route as local.
            embedded("::/96", "IPv4-Compatible IPv6 Address (deprecated)", "RFC 4291"),
            notGlobal("fec0::/10", "Site-Local (deprecated)", "RFC 3879"),
            // IANA IPv6 Multicast Address Space Registry
            notGlobal("ff00::/8", "Multicast", "RFC 4291"));

    private PublicAddresses() {}

    /** Why {@code address} is not globally reachable, naming the registry entry; empty when it is. */
    static Optional<String> refusal(InetAddress address) {
        IPAddress ip = address instanceof Inet4Address
                ? new IPv4Address(address.getAddress())
                : new IPv6Address(address.getAddress()); // bytes only: a scope (%eth0) is no part of the judgement
        Block block = mostSpecific(ip);
        if (block == null || block.reach() == Reach.GLOBAL) {
            return Optional.empty();
        }
        if (block.reach() == Reach.NOT_GLOBAL) {
            return Optional.of(block.describe());
        }
        for (IPv4Address inner : embedded((IPv6Address) ip)) {
            Block innerBlock = mostSpecific(inner);
            if (innerBlock != null && innerBlock.reach() == Reach.NOT_GLOBAL) {
                return Optional.of(block.describe() + " carrying " + inner + ": " + innerBlock.describe());
            }
        }
        return Optional.empty();
    }

    private static Block mostSpecific(IPAddress ip) {
        Block best = null;
        for (Block block : BLOCKS) {
            if (block.range().contains(ip)
                    && (best == null
                            || block.range().getNetworkPrefixLength()
                                    > best.range().getNetworkPrefixLength())) {
                best = block;
            }
        }
        return best;
    }

    /** The IPv4 addresses an EMBEDDED_IPV4 block's address leads to. */
    private static List<IPv4Address> embedded(IPv6Address ip) {
        if (ip.isTeredo()) {
            // RFC 4380 section 4: the Teredo server in bits 32-63, and the client's public address
            // (where the relay delivers) in the last 32, sent inverted so NATs leave it alone.
            IPv4Address obscured = ip.getEmbeddedIPv4Address();
            return List.of(ip.getEmbeddedIPv4Address(4), new IPv4Address(~obscured.intValue()));
        }
        if (ip.is6To4()) {
            return List.of(ip.get6To4IPv4Address());
        }
        // NAT64 with the well-known /96 prefix (RFC 6052 section 2.2) and IPv4-compatible
        // addresses both end in the IPv4 address.
        return List.of(ip.getEmbeddedIPv4Address());
    }

    private static Block notGlobal(String cidr, String name, String reference) {
        return new Block(cidr, name, reference, Reach.NOT_GLOBAL);
    }

    private static Block global(String cidr, String name, String reference) {
        return new Block(cidr, name, reference, Reach.GLOBAL);
    }

    private static Block embedded(String cidr, String name, String reference) {
        return new Block(cidr, name, reference, Reach.EMBEDDED_IPV4);
    }
}
