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
