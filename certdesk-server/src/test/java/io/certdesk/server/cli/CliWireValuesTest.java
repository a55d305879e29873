package io.certdesk.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.account.AccountType;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.outbound.CheckProtocol;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CLI keeps its own copies of the values the API speaks (it shares no class with the server): they stay the same. */
class CliWireValuesTest {
    @Test
    void theCliOffersTheAccountTypesTheApiTakes() {
        assertThat(names(AccountsCommand.Type.values())).isEqualTo(names(AccountType.values()));
    }

    @Test
    void theCliOffersTheCheckProtocolsTheApiTakes() {
        assertThat(names(TrustCommands.Protocol.values())).isEqualTo(names(CheckProtocol.values()));
    }

    @Test
    void theCliLooksForThePlatformCaWhereTheServerWritesIt() {
        assertThat(LoginCommand.DEFAULT_CA_FILE).isEqualTo(CertdeskServer.CA_FILE);
    }

    private static java.util.List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }
}
