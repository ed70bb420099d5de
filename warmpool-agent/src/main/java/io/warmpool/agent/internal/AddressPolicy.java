package io.warmpool.agent.internal;

import io.warmpool.ConfigException;

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
 * inside: every range of the IANA special-purpose registries that is not globally reachable (loopback,
 * private, unique-local, link-local with cloud metadata, CGNAT, documentation, benchmarking, discard, ...),
 * multicast, broadcast and reserved, also when an IPv4 address hides inside an IPv6 one (mapped,
 * compatible, NAT64, 6to4, Teredo); the table is {@link SpecialRanges}. The operator's allow-list ({@code --allow}) opens CIDRs, single addresses
 * and host names; an allowed host name is allowed whatever it resolves to. Immutable and thread-safe.
 */
public final class AddressPolicy {
    /** One allowed network. */
    record Cidr(byte[] network, int prefix, String text) {
        boolean contains(InetAddress address) {
            return SpecialRanges.inNetwork(address.getAddress(), network, prefix);
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
        return SpecialRanges.classify(address);
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
