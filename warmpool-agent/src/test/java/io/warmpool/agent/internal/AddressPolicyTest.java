package io.warmpool.agent.internal;

import io.warmpool.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every internal range, in every spelling a page could use; no sockets. */
class AddressPolicyTest {
    private final AddressPolicy strict = AddressPolicy.denyInternal();

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, loopback", "127.255.255.254, loopback", "10.0.0.1, private", "10.255.255.255, private",
            "172.16.0.1, private", "172.31.255.255, private", "192.168.1.1, private",
            "169.254.169.254, link-local", "169.254.0.1, link-local", "100.64.0.1, cgnat", "100.127.255.255, cgnat",
            "224.0.0.1, multicast", "239.255.255.250, multicast", "0.0.0.0, unspecified", "0.1.2.3, unspecified",
            "255.255.255.255, broadcast", "240.0.0.1, reserved",
            "::1, loopback", "::, unspecified", "fc00::1, private", "fd12:3456::1, private", "fe80::1, link-local",
            "febf::1, link-local", "fec0::1, private", "ff02::1, multicast", "ff05::1:3, multicast",
            "::ffff:127.0.0.1, loopback", "::ffff:10.0.0.1, private", "::ffff:169.254.169.254, link-local",
            "::ffff:0.0.0.0, unspecified"})
    void internalAddressesAreRefusedByDefault(String address, String reason) throws Exception {
        assertThat(strict.denies(null, InetAddress.getByName(address))).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0} hides {1}")
    @CsvSource({
            "0:0:0:0:0:ffff:7f00:1, loopback", "::127.0.0.1, loopback", "::10.0.0.1, private",
            "64:ff9b::a9fe:a9fe, link-local", "2002:7f00:1::1, loopback", "2002:c0a8:101::, private",
            "::2, reserved"})
    void ipv4HiddenInIpv6IsJudgedByTheIpv4Address(String address, String inner) throws Exception {
        // built as an Inet6Address on purpose: the JDK turns ::ffff:a.b.c.d into an Inet4Address by itself
        InetAddress v6 = Inet6Address.getByAddress(null, InetAddress.getByName(address).getAddress().length == 16
                ? InetAddress.getByName(address).getAddress() : mapped(InetAddress.getByName(address).getAddress()), -1);

        assertThat(strict.denies(null, v6)).startsWith(inner);
    }

    @ParameterizedTest(name = "{0} is public")
    @CsvSource({"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "100.63.255.255",
            "169.253.1.1", "192.169.0.1", "223.255.255.255", "11.0.0.1", "2001:4860:4860::8888", "2606:4700::1111",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertThat(strict.denies("example.com", InetAddress.getByName(address))).isNull();
    }

    @Test
    void anAllowListOpensItsCidrsAddressesAndHostsOnly() throws Exception {
        AddressPolicy policy = AddressPolicy.allowing("127.0.0.1/32, ::1/128,10.1.0.0/16,192.168.7.7,Intranet.Example.");

        assertThat(policy.denies(null, InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("127.0.0.2"))).isEqualTo("loopback");
        assertThat(policy.denies(null, InetAddress.getByName("::1"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("10.1.255.1"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("10.2.0.1"))).isEqualTo("private");
        assertThat(policy.denies(null, InetAddress.getByName("192.168.7.7"))).isNull();
        assertThat(policy.denies(null, InetAddress.getByName("192.168.7.8"))).isEqualTo("private");
        assertThat(policy.denies("intranet.example", InetAddress.getByName("10.9.9.9"))).as("an allowed name").isNull();
        assertThat(policy.denies("INTRANET.example.", InetAddress.getByName("127.0.0.5"))).isNull();
        assertThat(policy.denies("other.example", InetAddress.getByName("10.9.9.9"))).isEqualTo("private");
        assertThat(AddressPolicy.allowing("10.0.0.0/9").denies(null, InetAddress.getByName("10.128.0.1")))
                .as("a prefix that is not a whole byte").isEqualTo("private");
        assertThat(AddressPolicy.allowing("10.0.0.0/9").denies(null, InetAddress.getByName("10.127.0.1"))).isNull();
    }

    @Test
    void aBadAllowEntryIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> AddressPolicy.allowing("10.0.0.0/33")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("0-32").hasMessageContaining("/33");
        assertThatThrownBy(() -> AddressPolicy.allowing("10.0.0.0/8,,x")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> AddressPolicy.allowing("http://x/")).hasMessageContaining("entry 'http://x/'");
        assertThatThrownBy(() -> AddressPolicy.allowing("host/8")).hasMessageContaining("entry 'host/8'");
    }

    @Test
    void hostsAreJudgedByEveryAddressTheyResolveTo() throws Exception {
        EgressTarget localhost = EgressTarget.resolve(strict, "localhost", java.time.Duration.ofSeconds(2));
        EgressTarget literal = EgressTarget.resolve(strict, "[::1]", java.time.Duration.ofSeconds(2));
        EgressTarget allowedName = EgressTarget.resolve(AddressPolicy.allowing("localhost"), "localhost",
                java.time.Duration.ofSeconds(2));

        assertThat(localhost.refused()).isTrue();
        assertThat(localhost.reason()).isEqualTo("loopback");
        assertThat(literal.refused()).isTrue();
        assertThat(allowedName.refused()).isFalse();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, a, 12, 4);
        return a;
    }
}
