package io.certdesk.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * What a node does at once while it starts (the /pki/ listener binding while the database opens,
 * a new CA's keys made meanwhile) fails as it would one step after the other: with a message,
 * and with nothing left open.
 */
class StartupOrderTest extends FreshServerOnBothDatabases {

    private static ServerConfig withHttpPort(ServerConfig c, int port) {
        return new ServerConfig(
                c.bindHost(),
                c.httpsPort(),
                c.dataDir(),
                c.dbUrl(),
                c.dbUser(),
                c.dbPassword(),
                c.hostname(),
                c.masterKey(),
                c.adminPassword(),
                c.caKeyType(),
                c.serverKeyType(),
                c.clock(),
                c.ippsPort(),
                c.defaultSni(),
                c.tlsEngine(),
                c.publicUrl(),
                c.outbound(),
                OptionalInt.of(port),
                c.pkiUrl(),
                c.crlValidity(),
                c.issuerOcspRefresh(),
                c.acmeChallengePorts(),
                c.maxConnectionsPerClient(),
                c.metricsToken(),
                c.nativeSignatures(),
                c.estPort());
    }

    @Test
    void aNodeWhosePkiPortIsTakenRefusesToStartSayingWhichAndLeavesItsDatabaseFree() throws Exception {
        server = TestServer.start(database);
        String account = server.admin().createVendor("Kept across the failed start");
        MasterKey key = server.masterKey();
        ServerConfig config = server.config(key);
        server.stop();

        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> CertdeskServer.start(withHttpPort(config, port)))
                    .isInstanceOf(CertdeskServer.StartupException.class)
                    .hasMessageContaining("Cannot serve /pki/ over plain HTTP (--http-port " + port + ")");
        }

        // the database was closed again (on H2 its file is free) and nothing was written
        try (CertdeskServer again = CertdeskServer.start(config)) {
            assertThat(again.platformCaSha256()).isNotEmpty();
        }
        server.restart(key);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account)
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("Kept across the failed start");
    }
}
