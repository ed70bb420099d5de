package io.warmpool.agent.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The address ranges a page may never reach unless the operator allows them: every block of the IANA special-purpose
 * address registries that is not globally reachable, plus multicast, broadcast and the reserved rest.
 * Sources, the table to keep this in step with:
 * <ul>
 *   <li>IANA IPv4 Special-Purpose Address Registry, https://www.iana.org/assignments/iana-ipv4-special-registry/
 *       (RFC 6890, RFC 8190)</li>
 *   <li>IANA IPv6 Special-Purpose Address Registry, https://www.iana.org/assignments/iana-ipv6-special-registry/</li>
 *   <li>IANA IPv4/IPv6 multicast registries (224.0.0.0/4, ff00::/8) and RFC 1112 (240.0.0.0/4)</li>
 * </ul>
 * An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4, Teredo) is judged by that IPv4
 * address. Immutable, stateless, never touches the network.
 */
final class SpecialRanges {
    /** One range of the table; the first match wins, so narrower ranges come before the wider ones holding them. */
    record Range(byte[] network, int prefix, String reason, String cidr) {
        boolean contains(byte[] a) {
            return inNetwork(a, network, prefix);
        }
    }

    /** Whether address bytes {@code a} fall in {@code network/prefix} (same family only). */
    static boolean inNetwork(byte[] a, byte[] network, int prefix) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        return rest == 0 || ((a[full] ^ network[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    static final List<Range> IPV4 = List.of(
            range("0.0.0.0/8", "unspecified"),          // "this network", RFC 791
            range("10.0.0.0/8", "private"),             // RFC 1918
            range("100.64.0.0/10", "cgnat"),            // shared address space, RFC 6598
            range("127.0.0.0/8", "loopback"),           // RFC 1122
            range("169.254.0.0/16", "link-local"),      // RFC 3927; cloud metadata lives here
            range("172.16.0.0/12", "private"),          // RFC 1918
            range("192.0.0.0/24", "ietf-protocol"),     // IETF protocol assignments, RFC 6890
            range("192.0.2.0/24", "documentation"),     // TEST-NET-1, RFC 5737
            range("192.88.99.0/24", "reserved"),        // deprecated 6to4 relay anycast, RFC 7526
            range("192.168.0.0/16", "private"),         // RFC 1918
            range("198.18.0.0/15", "benchmarking"),     // RFC 2544
            range("198.51.100.0/24", "documentation"),  // TEST-NET-2, RFC 5737
            range("203.0.113.0/24", "documentation"),   // TEST-NET-3, RFC 5737
            range("224.0.0.0/4", "multicast"),          // RFC 5771
            range("255.255.255.255/32", "broadcast"),   // limited broadcast, RFC 919
            range("240.0.0.0/4", "reserved"));          // RFC 1112

    static final List<Range> IPV6 = List.of(
            range("::/128", "unspecified"),             // RFC 4291
            range("::1/128", "loopback"),               // RFC 4291
            range("64:ff9b:1::/48", "private"),         // local-use IPv4/IPv6 translation, RFC 8215
            range("100::/64", "discard"),               // discard-only, RFC 6666
            range("2001:2::/48", "benchmarking"),       // RFC 5180
            range("2001:db8::/32", "documentation"),    // RFC 3849
            range("3fff::/20", "documentation"),        // RFC 9637
            range("5f00::/16", "reserved"),             // SRv6 SIDs, RFC 9602: not globally reachable
            range("fc00::/7", "private"),               // unique local, RFC 4193
            range("fe80::/10", "link-local"),           // RFC 4291
            range("fec0::/10", "private"),              // site-local: deprecated, still routed by some networks
            range("ff00::/8", "multicast"),             // RFC 4291
            range("::/8", "reserved"));                 // the rest of ::/8, IETF reserved: nothing public lives there

    private SpecialRanges() {
    }

    /** The reason {@code address} is internal ({@code loopback}, {@code documentation}, ...), or null when public. */
    static String classify(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return first(IPV4, a);
        }
        for (byte[] inner : embeddedIpv4(a)) {
            String reason = first(IPV4, inner);
            if (reason != null) {
                return reason + " (IPv4 inside IPv6)";
            }
        }
        if (carriesIpv4(a)) {
            return null; // a translation or tunnel address whose IPv4 is public: judged by that, as it is what is reached
        }
        return first(IPV6, a);
    }

    private static String first(List<Range> table, byte[] a) {
        for (Range r : table) {
            if (r.contains(a)) {
                return r.reason();
            }
        }
        return null;
    }

    private static boolean carriesIpv4(byte[] a) {
        return !embeddedIpv4(a).isEmpty();
    }

    /**
     * The IPv4 addresses inside an IPv6 one that carries them: mapped {@code ::ffff:a.b.c.d}, compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} (RFC 6052), 6to4 {@code 2002:aabb:ccdd::} (RFC 3056), and
     * Teredo {@code 2001:0:<server>:<flags>:<port>:<client>} (RFC 4380) whose client address is stored inverted
     * ("obfuscated"), both the server and the client; empty for any other address.
     */
    static List<byte[]> embeddedIpv4(byte[] a) {
        boolean mapped = isZero(a, 0, 10) && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
        boolean compatible = isZero(a, 0, 12) && !isZero(a, 12, 15); // not :: or ::1
        boolean nat64 = a[0] == 0 && (a[1] & 0xFF) == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B
                && isZero(a, 4, 12);
        if (mapped || compatible || nat64) {
            return List.of(new byte[]{a[12], a[13], a[14], a[15]});
        }
        if ((a[0] & 0xFF) == 0x20 && a[1] == 0x02) {
            return List.of(new byte[]{a[2], a[3], a[4], a[5]});
        }
        if ((a[0] & 0xFF) == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
            byte[] client = {(byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15]};
            return List.of(client, new byte[]{a[4], a[5], a[6], a[7]});
        }
        return List.of();
    }

    static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Range range(String cidr, String reason) {
        int slash = cidr.indexOf('/');
        InetAddress network = AddressPolicy.literal(cidr.substring(0, slash));
        if (network == null) {
            throw new IllegalStateException("bad table entry " + cidr);
        }
        byte[] bytes = network.getAddress();
        if (cidr.contains(":") && bytes.length == 4) {
            throw new IllegalStateException("IPv6 table entry read as IPv4: " + cidr);
        }
        return new Range(bytes, Integer.parseInt(cidr.substring(slash + 1)), reason, cidr);
    }
}
