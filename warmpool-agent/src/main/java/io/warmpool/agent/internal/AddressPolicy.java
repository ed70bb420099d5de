package io.warmpool.agent.internal;

import io.warmpool.ConfigException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which addresses a browser page may connect to. By default every public unicast address and nothing
 * inside: loopback, private, unique-local, link-local (cloud metadata included), CGNAT, multicast,
 * unspecified, reserved and broadcast, also when an IPv4 address hides inside an IPv6 one (mapped,
 * compatible, NAT64, 6to4). The operator's allow-list ({@code --allow}) opens CIDRs, single addresses
 * and host names; an allowed host name is allowed whatever it resolves to. Immutable and thread-safe.
 */
public final class AddressPolicy {
    /** One allowed network. */
    record Cidr(byte[] network, int prefix, String text) {
        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
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
    }

    private static final AddressPolicy DEFAULT = new AddressPolicy(List.of(), Set.of(), "");

    private final List<Cidr> allowedNetworks;
    private final Set<String> allowedHosts;
    private final String allowList;

    private AddressPolicy(List<Cidr> allowedNetworks, Set<String> allowedHosts, String allowList) {
        this.allowedNetworks = allowedNetworks;
        this.allowedHosts = allowedHosts;
        this.allowList = allowList;
    }

    /** Nothing inside is allowed. */
    public static AddressPolicy denyInternal() {
        return DEFAULT;
    }

    /**
     * Parses {@code --allow}: comma-separated CIDRs ({@code 10.0.0.0/8}, {@code ::1/128}), addresses
     * ({@code 127.0.0.1}) and host names ({@code intranet.example}). Null or blank allows nothing extra.
     *
     * @throws ConfigException naming the entry that is neither
     */
    public static AddressPolicy allowing(String allowList) {
        if (allowList == null || allowList.isBlank()) {
            return DEFAULT;
        }
        List<Cidr> networks = new ArrayList<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (String raw : allowList.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                throw new ConfigException("allow must not contain an empty entry (allow=" + allowList + ")");
            }
            int slash = entry.indexOf('/');
            String addressPart = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress address = literal(addressPart);
            if (address != null) {
                int max = address.getAddress().length * 8;
                int prefix = slash < 0 ? max : prefixLength(entry.substring(slash + 1), max, allowList);
                networks.add(new Cidr(address.getAddress(), prefix, entry));
            } else if (slash < 0 && entry.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?")) {
                hosts.add(normalizeHost(entry));
            } else {
                throw new ConfigException("allow entries must be CIDRs, IP addresses or host names (entry '"
                        + raw.trim() + "' in allow=" + allowList + ")");
            }
        }
        return new AddressPolicy(List.copyOf(networks), Set.copyOf(hosts), allowList.trim());
    }

    /** Whether the operator allowed this host name (or address literal as written) outright. */
    public boolean hostAllowed(String host) {
        return allowedHosts.contains(normalizeHost(host));
    }

    /**
     * Why a connection to {@code address} for {@code host} is refused, or null when it is allowed.
     * The reason is one word such as {@code loopback} or {@code link-local}.
     */
    public String denies(String host, InetAddress address) {
        if (host != null && hostAllowed(host)) {
            return null;
        }
        for (Cidr cidr : allowedNetworks) {
            if (cidr.contains(address)) {
                return null;
            }
        }
        return internalRange(address);
    }

    /** The allow-list as given, empty for none. */
    public String allowList() {
        return allowList;
    }

    /** The kind of internal range {@code address} falls in, or null for a public unicast address. */
    static String internalRange(InetAddress address) {
        if (address instanceof Inet4Address) {
            return ipv4Range(address.getAddress());
        }
        byte[] a = address.getAddress();
        byte[] embedded = embeddedIpv4(a);
        if (embedded != null) {
            String inner = ipv4Range(embedded);
            return inner == null ? null : inner + " (IPv4 inside IPv6)";
        }
        if (isZero(a, 0, 16)) {
            return "unspecified";
        }
        if (isZero(a, 0, 15) && a[15] == 1) {
            return "loopback";
        }
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        if (b0 == 0xFF) {
            return "multicast";
        }
        if ((b0 & 0xFE) == 0xFC) {
            return "private"; // fc00::/7 unique local
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
            return "link-local"; // fe80::/10
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0xC0) {
            return "private"; // fec0::/10 site-local, deprecated but still routed by some networks
        }
        if (a[0] == 0) {
            return "reserved"; // the rest of ::/8 (IETF reserved): nothing public lives there
        }
        return null;
    }

    private static String ipv4Range(byte[] a) {
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        if (b0 == 0) {
            return "unspecified";
        }
        if (b0 == 127) {
            return "loopback";
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xF0) == 16) || (b0 == 192 && b1 == 168)) {
            return "private";
        }
        if (b0 == 169 && b1 == 254) {
            return "link-local";
        }
        if (b0 == 100 && (b1 & 0xC0) == 64) {
            return "cgnat";
        }
        if ((b0 & 0xF0) == 224) {
            return "multicast";
        }
        if (b0 == 255 && b1 == 255 && (a[2] & 0xFF) == 255 && (a[3] & 0xFF) == 255) {
            return "broadcast";
        }
        if ((b0 & 0xF0) == 240) {
            return "reserved";
        }
        return null;
    }

    /**
     * The IPv4 address inside an IPv6 one that carries it: mapped {@code ::ffff:a.b.c.d}, compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:aabb:ccdd::}; else null.
     */
    private static byte[] embeddedIpv4(byte[] a) {
        boolean mapped = isZero(a, 0, 10) && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
        boolean compatible = isZero(a, 0, 12) && !isZero(a, 12, 15); // not :: or ::1
        boolean nat64 = a[0] == 0 && (a[1] & 0xFF) == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B
                && isZero(a, 4, 12);
        if (mapped || compatible || nat64) {
            return new byte[]{a[12], a[13], a[14], a[15]};
        }
        if ((a[0] & 0xFF) == 0x20 && a[1] == 0x02) {
            return new byte[]{a[2], a[3], a[4], a[5]};
        }
        return null;
    }

    private static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal (IPv6 with or without brackets), or null for anything else; never looks up a name. */
    static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = h.contains(":") && h.matches("[0-9a-fA-F:.]+");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(h); // a literal: no lookup happens
            return address instanceof Inet6Address v6 && v6.getScopeId() != 0 ? null : address;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static int prefixLength(String text, int max, String allowList) {
        try {
            int prefix = Integer.parseInt(text);
            if (prefix >= 0 && prefix <= max) {
                return prefix;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("allow CIDR prefix must be 0-" + max + " (got '/" + text + "' in allow=" + allowList + ")");
    }

    @Override
    public String toString() {
        return allowList.isEmpty() ? "deny internal" : "deny internal, allow " + allowList;
    }
}
