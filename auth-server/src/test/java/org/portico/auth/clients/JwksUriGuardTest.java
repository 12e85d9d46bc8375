package org.portico.auth.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwksUriGuardTest {

    @ParameterizedTest
    @CsvSource(nullValues = "public", value = {
            "127.0.0.1, loopback", "127.255.255.254, loopback", "::1, loopback",
            "10.0.0.1, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.0.1, private",
            "fc00::1, private", "fd12:3456::1, private", "fec0::1, private",
            "100.64.0.1, shared (carrier-grade NAT)", "100.127.255.255, shared (carrier-grade NAT)",
            "169.254.169.254, link-local", "fe80::1, link-local",
            "224.0.0.1, multicast", "239.255.255.255, multicast", "ff02::1, multicast",
            "0.0.0.0, unspecified", "0.1.2.3, unspecified", "::, unspecified",
            "240.0.0.1, reserved", "255.255.255.255, reserved",
            "::ffff:10.0.0.1, private", "::10.0.0.1, private", "64:ff9b::a9fe:a9fe, link-local", "2002:7f00:1::1, loopback",
            "93.184.216.34, public", "172.15.255.255, public", "172.32.0.1, public", "100.63.255.255, public",
            "100.128.0.1, public", "2606:2800:220:1:248:1893:25c8:1946, public", "64:ff9b::5db8:d822, public"})
    void addressClasses(String address, String expected) throws UnknownHostException {
        assertThat(JwksUriGuard.addressClass(InetAddress.getByName(address))).isEqualTo(expected);
    }
}
