package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformCaTest extends FreshServerOnBothDatabases {
    private static String issuerOfGenerated(Api admin, String account, String domain, String keyType) {
        return admin.post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", domain, "keyType", keyType))
                .assertStatus(201)
                .json()
                .path("certificates")
                .get(1)
                .path("subject")
                .asText();
    }

    @Test
    void anRsaPlatformCaIssuesEcChainsThroughItsEcIssuingCaAndAddsOneToAnOlderDatabase() throws Exception {
        server = TestServer.start(database, KeyType.RSA_2048);
        Api admin = server.admin();
        String account = admin.createVendor("Mixed keys");
        admin.setDomains(account, "mixed.acme.test");
        assertThat(issuerOfGenerated(admin, account, "mixed.acme.test", "EC_P256"))
                .isEqualTo("CN=Certdesk Platform EC Issuing CA,O=Certdesk Platform");
        assertThat(issuerOfGenerated(admin, account, "mixed.acme.test", "RSA_2048"))
                .isEqualTo("CN=Certdesk Platform Issuing CA,O=Certdesk Platform");

        // A database from before EC issuing CAs: the next start adds one, and issuing goes on.
        String rootSha = server.server().platformCaSha256();
        server.stop();
        var db = io.certdesk.server.store.Database.open(
                server.config(server.masterKey()).jdbcUrl(),
                server.config(server.masterKey()).dbUser(),
                server.config(server.masterKey()).dbPassword());
        try (db) {
            db.inTransaction(
                    h -> h.createUpdate("UPDATE platform_ca SET ec_issuing_der = NULL, ec_issuing_key_id = NULL")
                            .execute());
        }
        server.restart(server.masterKey());
        assertThat(server.server().platformCaSha256()).isEqualTo(rootSha);
        assertThat(issuerOfGenerated(server.admin(), account, "mixed.acme.test", "EC_P256"))
                .isEqualTo("CN=Certdesk Platform EC Issuing CA,O=Certdesk Platform");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/private-chains")
                        .json()
                        .path("chains"))
                .hasSize(4);
    }
}
