package io.certdesk.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundGuardTest {
    private static InetAddress at(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void byDefaultLoopbackLinkLocalAndTheMetadataAddressAreDeniedAndOthersAllowed() throws Exception {
        OutboundGuard guard = OutboundGuard.defaults();
        for (String denied : List.of(
                "127.0.0.1",
                "127.8.9.10",
                "169.254.169.254",
                "169.254.1.1",
                "::1",
                "fe80::1",
                "0.0.0.0",
                "::ffff:127.0.0.1",
                "fd00:ec2::254",
                "224.0.0.1")) {
            assertThat(guard.allows(at(denied))).as(denied).isFalse();
        }
        for (String allowed : List.of("10.1.2.3", "192.168.1.10", "8.8.8.8", "2001:db8::1")) {
            assertThat(guard.allows(at(allowed))).as(allowed).isTrue();
        }
    }

    /** Decisions only: nothing here opens a connection (a wrong "allowed" would send traffic off the machine). */
    @Test
    void ipv6FormsThatCarryADeniedIpv4AddressAndTheBroadcastAddressAreDenied() throws Exception {
        OutboundGuard guard = OutboundGuard.defaults();
        for (String denied : List.of(
                "255.255.255.255",
                "::127.0.0.1", // IPv4-compatible
                "::ffff:0:127.0.0.1", // IPv4-translated
                "64:ff9b::7f00:1", // NAT64
                "64:ff9b::a9fe:a9fe", // NAT64 to the metadata address
                "64:ff9b:1::7f00:1", // local-use NAT64
                "2002:7f00:1::", // 6to4 of 127.0.0.1
                "2002:a9fe:a9fe::1", // 6to4 of 169.254.169.254
                "2001:0:7f00:1::", // Teredo whose server is 127.0.0.1
                "2001:0:4136:e378:8000:63bf:80ff:fffe")) { // Teredo client 127.0.0.1 (bits inverted)
            assertThat(guard.allows(at(denied))).as(denied).isFalse();
        }
        for (String allowed : List.of("64:ff9b::808:808", "2002:808:808::1", "::ffff:0:8.8.8.8")) {
            assertThat(guard.allows(at(allowed))).as(allowed).isTrue();
        }
    }

    @Test
    void anIpv4LiteralWithALeadingZeroIsRefusedAsAmbiguousBeforeAnyLookup() {
        OutboundGuard guard = OutboundGuard.of(List.of("177.0.0.0/8"), List.of(), List.of());
        for (String host : List.of("0177.0.0.1", "127.0.0.01", "010.1.2.3", "00.0.0.0")) {
            OutboundGuard.Resolved r = guard.resolve(host);
            assertThat(r.kind()).as(host).contains(OutboundGuard.Refusal.AMBIGUOUS);
            assertThat(r.addresses()).as(host).isEmpty();
            assertThat(r.refusal().orElseThrow()).contains("leading zero");
        }
        assertThat(guard.resolve("177.0.0.1").kind())
                .as("the same address written plainly")
                .isEmpty();
        assertThat(guard.resolve("127.0.0.1").kind()).contains(OutboundGuard.Refusal.DENIED);
    }

    @Test
    void theMostSpecificBlockDecidesAndAnAllowWinsATie() throws Exception {
        OutboundGuard guard = OutboundGuard.of(
                List.of("127.0.0.0/8", "169.254.0.0/16", "10.1.0.0/16"), List.of("10.0.0.0/8"), List.of());
        assertThat(guard.allows(at("127.0.0.1"))).isTrue();
        assertThat(guard.allows(at("169.254.1.1"))).isTrue();
        assertThat(guard.allows(at("169.254.169.254")))
                .as("the /32 default deny is more specific")
                .isFalse();
        assertThat(guard.allows(at("10.2.0.1"))).isFalse();
        assertThat(guard.allows(at("10.1.0.1"))).isTrue();
    }

    @Test
    void portsAreTheDefaultsAndThoseAdded() {
        OutboundGuard guard = OutboundGuard.of(List.of(), List.of(), List.of(10389));
        assertThat(guard.allowsPort(636)).isTrue();
        assertThat(guard.allowsPort(10389)).isTrue();
        assertThat(guard.allowsPort(22)).isFalse();
    }

    @Test
    void anEntryThatIsNotABlockIsRefusedByName() {
        assertThatThrownBy(() -> OutboundGuard.of(List.of("intranet.example"), List.of(), List.of()))
                .hasMessageContaining("intranet.example");
        assertThatThrownBy(() -> OutboundGuard.of(List.of("10.0.0.0/33"), List.of(), List.of()))
                .hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> OutboundGuard.of(List.of(), List.of(), List.of(70000)))
                .hasMessageContaining("70000");
    }
}
