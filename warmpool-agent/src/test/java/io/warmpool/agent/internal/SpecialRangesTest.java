package io.warmpool.agent.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The IANA special-purpose table, range by range, edge by edge; no sockets (addresses are only parsed). */
class SpecialRangesTest {
    private final AddressPolicy strict = AddressPolicy.denyInternal();

    @Test
    void theFirstAndLastAddressOfEveryRangeInTheTableAreRefusedWithItsReason() throws Exception {
        for (var table : java.util.List.of(SpecialRanges.IPV4, SpecialRanges.IPV6)) {
            for (SpecialRanges.Range r : table) {
                InetAddress first = address(r.network(), r.prefix(), false);
                InetAddress last = address(r.network(), r.prefix(), true);
                assertThat(strict.denies(null, first)).as(r.cidr() + " first " + first).isNotNull();
                assertThat(strict.denies(null, last)).as(r.cidr() + " last " + last).isNotNull();
                if (!r.cidr().equals("::/8") && !r.cidr().startsWith("::") && !r.cidr().equals("240.0.0.0/4")) {
                    // ::/8 holds the mapped/compatible forms, judged by their IPv4; 240/4 ends in the broadcast address
                    assertThat(strict.denies(null, first)).as(r.cidr()).isEqualTo(r.reason());
                    assertThat(strict.denies(null, last)).as(r.cidr()).isEqualTo(r.reason());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "198.18.0.0, benchmarking", "198.19.255.255, benchmarking", "192.0.0.0, ietf-protocol",
            "192.0.0.255, ietf-protocol", "192.0.2.1, documentation", "198.51.100.1, documentation",
            "203.0.113.255, documentation", "192.88.99.1, reserved",
            "100::, discard", "100::ffff:ffff:ffff:ffff, discard", "2001:db8::, documentation",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, documentation", "2001:2::1, benchmarking",
            "3fff::1, documentation", "64:ff9b:1::1, private", "5f00::1, reserved"})
    void theRangesAddedFromTheIanaRegistriesAreRefused(String address, String reason) throws Exception {
        assertThat(strict.denies(null, InetAddress.getByName(address))).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0} is public")
    @CsvSource({"198.17.255.255", "198.20.0.0", "192.0.1.0", "192.0.3.0", "198.51.99.255", "198.51.101.0",
            "203.0.112.255", "203.0.114.0", "101::1", "2001:db9::1", "2001:db7:ffff::1", "2001:4860:4860::8888",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7"})
    void theirNeighboursArePublic(String address) throws Exception {
        assertThat(strict.denies("example.com", InetAddress.getByName(address))).isNull();
    }

    @ParameterizedTest(name = "Teredo {0} hides {1}")
    @CsvSource({
            // 2001:0:<server>:<flags>:<port>:<client XOR ffff:ffff>
            "2001:0:4136:e378:8000:63bf:80ff:fffe, loopback",       // client 127.0.0.1
            "2001:0:4136:e378:8000:63bf:f5ff:fffe, private",        // client 10.0.0.1
            "2001:0:4136:e378:8000:63bf:5601:5601, link-local",     // client 169.254.169.254 (metadata)
            "2001:0:4136:e378:8000:63bf:39cc:9bf8, documentation",  // client 198.51.100.7
            "2001:0:a00:1:8000:63bf:f7f7:f7f7, private"})           // server 10.0.0.1, client 8.8.8.8
    void teredoIsJudgedByItsObfuscatedClientAndItsServer(String address, String inner) throws Exception {
        assertThat(strict.denies(null, InetAddress.getByName(address))).startsWith(inner);
    }

    @Test
    void anAllowListStillOpensARangeOfTheTable() throws Exception {
        AddressPolicy policy = AddressPolicy.allowing("198.18.0.0/15,2001:db8::/32");
        assertThat(policy.denies(null, InetAddress.getByName("198.19.1.1"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("2001:db8::5"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("192.0.2.1"))).isEqualTo("documentation");
    }

    /** The lowest or highest address of a network, as an address of the network's family. */
    private static InetAddress address(byte[] network, int prefix, boolean last) throws Exception {
        int bits = network.length * 8;
        BigInteger n = new BigInteger(1, network);
        if (last) {
            n = n.or(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        }
        byte[] raw = n.toByteArray();
        byte[] out = new byte[network.length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return network.length == 16 ? Inet6Address.getByAddress(null, out, -1) : InetAddress.getByAddress(out);
    }
}
