package io.featurex.worker.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddressString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The address classification alone, on address literals: nothing here connects or resolves a
 * name. Expectations are written from the IANA registries, not derived from the table under test.
 */
class PublicAddressesTest {

    /** Each registry entry: an address inside it, and the entry that must decide it. */
    @Test
    void everyRegistryEntryDecidesItsOwnAddresses() throws Exception {
        String[][] entries = {
            {"0.1.2.3", "\"This network\""},
            {"0.0.0.0", "\"This host on this network\""},
            {"10.1.2.3", "Private-Use"},
            {"100.100.100.200", "Shared Address Space"}, // a cloud's metadata service lives here
            {"127.0.0.1", "Loopback"},
            {"169.254.169.254", "Link Local"},
            {"172.20.0.1", "Private-Use"},
            {"192.0.0.64", "IETF Protocol Assignments"},
            {"192.0.0.5", "IPv4 Service Continuity Prefix"},
            {"192.0.0.8", "IPv4 dummy address"},
            {"192.0.0.170", "NAT64/DNS64 Discovery"},
            {"192.0.0.171", "NAT64/DNS64 Discovery"},
            {"192.0.2.2", "Documentation (TEST-NET-1)"},
            {"192.88.99.1", "Deprecated (6to4 Relay Anycast)"},
            {"192.88.99.2", "6a44-relay anycast address"},
            {"192.168.1.1", "Private-Use"},
            {"198.19.0.1", "Benchmarking"},
            {"198.51.100.7", "Documentation (TEST-NET-2)"},
            {"203.0.113.7", "Documentation (TEST-NET-3)"},
            {"250.1.2.3", "Reserved"},
            {"255.255.255.255", "Limited Broadcast"},
            {"239.1.2.3", "Multicast"},
            {"::1", "Loopback Address"},
            {"::", "Unspecified Address"},
            {"64:ff9b:1::7f00:1", "IPv4-IPv6 Translat."},
            {"100::1", "Discard-Only Address Block"},
            {"100:0:0:1::1", "Dummy IPv6 Prefix"},
            {"2001:100::1", "IETF Protocol Assignments"},
            {"2001:2::1", "Benchmarking"},
            {"2001:10::1", "Deprecated (previously ORCHID)"},
            {"2001:db8::1", "Documentation"},
            {"3fff::1", "Documentation"},
            {"5f00::1", "Segment Routing (SRv6) SIDs"},
            {"fd00::1", "Unique-Local"},
            {"fe80::1", "Link-Local Unicast"},
            {"fec0::1", "Site-Local (deprecated)"},
            {"ff02::1", "Multicast"},
        };
        for (String[] entry : entries) {
            assertThat(refusal(entry[0]))
                    .as(entry[0])
                    .hasValueSatisfying(why -> assertThat(why).startsWith(entry[1] + " ("));
        }
        for (String global : List.of(
                "192.0.0.9",
                "192.0.0.10",
                "192.31.196.1",
                "192.52.193.1",
                "192.175.48.1",
                "2001:1::1",
                "2001:1::2",
                "2001:1::3",
                "2001:3::1",
                "2001:4:112::1",
                "2001:20::1",
                "2001:30::1",
                "2620:4f:8000::1")) {
            assertThat(refusal(global)).as(global + " is globally reachable").isEmpty();
        }
    }

    @Test
    void ordinaryPublicAddressesPass() throws Exception {
        for (String address : List.of(
                "1.1.1.1",
                "8.8.8.8",
                "93.184.216.34",
                "223.255.255.255",
                "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200e",
                "2000::1")) {
            assertThat(refusal(address)).as(address).isEmpty();
        }
    }

    /** First and last address of every refused block, and the addresses either side of it. */
    @Test
    void rangesEndWhereTheRegistrySaysTheyDo() throws Exception {
        String[][] edges = { // below, first, last, above
            {null, "0.0.0.0", "0.255.255.255", "1.0.0.0"},
            {"9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"},
            {"100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0"},
            {"126.255.255.255", "127.0.0.0", "127.255.255.255", "128.0.0.0"},
            {"169.253.255.255", "169.254.0.0", "169.254.255.255", "169.255.0.0"},
            {"172.15.255.255", "172.16.0.0", "172.31.255.255", "172.32.0.0"},
            {"191.255.255.255", "192.0.0.0", "192.0.0.255", "192.0.1.0"},
            {"192.0.1.255", "192.0.2.0", "192.0.2.255", "192.0.3.0"},
            {"192.88.98.255", "192.88.99.0", "192.88.99.255", "192.88.100.0"},
            {"192.167.255.255", "192.168.0.0", "192.168.255.255", "192.169.0.0"},
            {"198.17.255.255", "198.18.0.0", "198.19.255.255", "198.20.0.0"},
            {"198.51.99.255", "198.51.100.0", "198.51.100.255", "198.51.101.0"},
            {"203.0.112.255", "203.0.113.0", "203.0.113.255", "203.0.114.0"},
            {"223.255.255.255", "224.0.0.0", "239.255.255.255", null},
            {null, "240.0.0.0", "255.255.255.255", null},
            {"64:ff9b:0:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:2::"},
            {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "100::", "100::ffff:ffff:ffff:ffff", null},
            {null, "100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff", "100:0:0:2::"},
            {
                "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "2001:1::",
                "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
                "2001:200::"
            },
            {null, "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff", null}, // 2001::/23 on either side
            {null, "2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", "2001:20::"},
            {
                "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
                "2001:db8::",
                "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
                "2001:db9::"
            },
            {
                "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "3fff::",
                "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
                "3fff:1000::"
            },
            {"5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f01::"},
            {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::"},
            {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null},
            {null, "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null},
            {null, "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null},
        };
        for (String[] edge : edges) {
            for (int i = 1; i <= 2; i++) {
                assertThat(refusal(edge[i])).as(edge[i] + " is refused").isPresent();
            }
            for (int i : new int[] {0, 3}) {
                if (edge[i] != null) {
                    assertThat(refusal(edge[i]))
                            .as(edge[i] + ", just outside " + edge[1] + ".." + edge[2])
                            .isEmpty();
                }
            }
        }
        // The globally reachable entries inside 192.0.0.0/24 and 2001::/23 end where they say too.
        assertThat(refusal("192.0.0.8")).isPresent();
        assertThat(refusal("192.0.0.11")).isPresent();
        assertThat(refusal("2001:1::4")).isPresent();
        assertThat(refusal("2001:2:ffff::")).isPresent();
        assertThat(refusal("2001:3:ffff:ffff:ffff:ffff:ffff:ffff")).isEmpty();
        assertThat(refusal("2001:4::")).isPresent();
        assertThat(refusal("2001:4:112:ffff:ffff:ffff:ffff:ffff")).isEmpty();
        assertThat(refusal("2001:4:113::")).isPresent();
        assertThat(refusal("2001:20::")).isEmpty();
        assertThat(refusal("2001:3f:ffff:ffff:ffff:ffff:ffff:ffff")).isEmpty();
        assertThat(refusal("2001:40::")).isPresent();
    }

    @Test
    void ipv6FormsThatCarryAnIpv4AddressAreJudgedByIt() throws Exception {
        // NAT64, well-known prefix (RFC 6052): the translator connects to the last 32 bits.
        assertThat(refusal("64:ff9b::a9fe:a9fe"))
                .hasValueSatisfying(why -> assertThat(why)
                        .contains("IPv4-IPv6 Translat.")
                        .contains("carrying 169.254.169.254")
                        .endsWith("Link Local (169.254.0.0/16, RFC 3927)"));
        assertThat(refusal("64:ff9b::7f00:1"))
                .hasValueSatisfying(why -> assertThat(why).contains("Loopback"));
        assertThat(refusal("64:ff9b::c000:202"))
                .hasValueSatisfying(why -> assertThat(why).contains("TEST-NET-1"));
        assertThat(refusal("64:ff9b::808:808")).as("NAT64 to 8.8.8.8").isEmpty();
        assertThat(refusal("64:ff9b::1:0:0")).as("just past the /96").isEmpty();
        // NAT64, local-use prefix (RFC 8215): not globally reachable whatever it carries.
        assertThat(refusal("64:ff9b:1::808:808")).isPresent();

        // 6to4 (RFC 3056): the IPv4 address in bits 16-47.
        assertThat(refusal("2002:a9fe:a9fe::1"))
                .hasValueSatisfying(why -> assertThat(why).contains("6to4").contains("carrying 169.254.169.254"));
        assertThat(refusal("2002:c000:0204::1"))
                .hasValueSatisfying(why -> assertThat(why).contains("TEST-NET-1"));
        assertThat(refusal("2002:6440:1::"))
                .hasValueSatisfying(why -> assertThat(why).contains("Shared Address Space"));
        assertThat(refusal("2002::")).isPresent();
        assertThat(refusal("2002:808:808::1")).isEmpty();
        assertThat(refusal("2003::1")).isEmpty();

        // Teredo (RFC 4380): server in bits 32-63, client in the last 32, inverted.
        assertThat(refusal("2001:0:4136:e378:8000:63bf:3fff:fdd2"))
                .as("RFC 4380's client 192.0.2.45")
                .hasValueSatisfying(why -> assertThat(why).contains("TEREDO").contains("carrying 192.0.2.45"));
        assertThat(refusal("2001:0:4136:e378:8000:63bf:f7f7:f7f7"))
                .as("server 65.54.227.120, client 8.8.8.8")
                .isEmpty();
        assertThat(refusal("2001:0:a00:1:8000:63bf:f7f7:f7f7"))
                .as("server 10.0.0.1")
                .hasValueSatisfying(why -> assertThat(why).contains("carrying 10.0.0.1"));
        assertThat(refusal("2001:0:4136:e378:8000:63bf:80ff:fffe"))
                .as("client 127.0.0.1")
                .hasValueSatisfying(why -> assertThat(why).contains("carrying 127.0.0.1"));

        // IPv4-compatible (deprecated, RFC 4291 2.5.5.1): the last 32 bits.
        assertThat(refusal("::a9fe:a9fe"))
                .hasValueSatisfying(
                        why -> assertThat(why).contains("IPv4-Compatible").contains("169.254.169.254"));
        assertThat(refusal("::7f00:1"))
                .hasValueSatisfying(why -> assertThat(why).contains("Loopback"));
        assertThat(refusal("::2")).as("0.0.0.2").isPresent();
        assertThat(refusal("::808:808")).isEmpty();

        // IPv4-mapped: the JDK hands it over as the IPv4 address; kept as IPv6, the registry refuses it.
        InetAddress mapped = InetAddress.getByName("::ffff:169.254.169.254");
        assertThat(mapped.getAddress()).hasSize(4);
        assertThat(PublicAddresses.refusal(mapped))
                .hasValueSatisfying(why -> assertThat(why).startsWith("Link Local"));
        assertThat(PublicAddresses.refusal(ipv6("::ffff:808:808")))
                .hasValueSatisfying(why -> assertThat(why).startsWith("IPv4-mapped Address"));
    }

    @Test
    void aScopedLinkLocalAddressIsStillLinkLocal() throws Exception {
        Inet6Address scoped = Inet6Address.getByAddress(
                "eth0-neighbour", InetAddress.getByName("fe80::1").getAddress(), 2);
        assertThat(PublicAddresses.refusal(scoped))
                .hasValueSatisfying(why -> assertThat(why).startsWith("Link-Local Unicast"));
    }

    /** Nothing the guard refused before the registries were used is allowed now. */
    @Test
    void everythingTheJdkCallsLocalIsRefused() throws Exception {
        List<String> samples = new ArrayList<>();
        for (int first = 0; first < 256; first++) {
            samples.add(first + ".1.2.3");
        }
        samples.addAll(List.of(
                "172.16.5.4",
                "192.168.0.1",
                "169.254.1.1",
                "0.0.0.0",
                "::",
                "::1",
                "fe80::5",
                "fec0::5",
                "fd12:3456::1",
                "fc00::1",
                "ff05::2",
                "ff0e::1"));
        for (String sample : samples) {
            InetAddress address = InetAddress.getByName(sample);
            boolean local = address.isLoopbackAddress()
                    || address.isSiteLocalAddress()
                    || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress()
                    || address.isMulticastAddress()
                    || (address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC);
            if (local) {
                assertThat(PublicAddresses.refusal(address)).as(sample).isPresent();
            }
        }
    }

    @Test
    void theTableIsWrittenAsTheRegistriesWriteIt() {
        Set<String> seen = new HashSet<>();
        for (PublicAddresses.Block block : PublicAddresses.BLOCKS) {
            assertThat(seen.add(block.cidr()))
                    .as("listed once: " + block.cidr())
                    .isTrue();
            assertThat(block.name()).isNotBlank();
            assertThat(block.reference()).matches("RFC \\d+");
            // A typo such as 100.64.0.0/9 would silently widen or move the block.
            assertThat(block.range().getLower().withoutPrefixLength().toCanonicalString())
                    .as(block.cidr() + " starts at its network address")
                    .isEqualTo(
                            new IPAddressString(block.cidr()).getHostAddress().toCanonicalString());
            assertThat(block.cidr()).endsWith("/" + block.range().getNetworkPrefixLength());
        }
    }

    private static Optional<String> refusal(String literal) throws Exception {
        return PublicAddresses.refusal(InetAddress.getByName(literal));
    }

    /** An IPv6 address kept as IPv6 even where the JDK would make it IPv4. */
    private static Inet6Address ipv6(String literal) throws Exception {
        byte[] bytes = new IPAddressString(literal).getAddress().getBytes();
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
