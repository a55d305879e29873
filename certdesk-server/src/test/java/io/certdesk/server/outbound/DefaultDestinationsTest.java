package io.certdesk.server.outbound;

import io.certdesk.server.testing.OnBothDatabases;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the operator's defaults, a tenant cannot make the server connect to itself or to the cloud metadata service. */
class DefaultDestinationsTest extends OnBothDatabases {
    @Test
    void loopbackAndTheMetadataAddressAreRefusedBeforeAnyConnection() {
        String account = server.admin().createVendor("Curious");
        for (String host : new String[] {"127.0.0.1", "localhost", "169.254.169.254", "::1"}) {
            server.admin()
                    .post(
                            "/api/v1/accounts/" + account + "/trust/check",
                            Map.of("host", host, "port", 443, "protocol", "HTTPS"))
                    .assertProblem(403, "destination_not_allowed");
        }
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/trusted-cas/from-check",
                        Map.of("host", "127.0.0.1", "port", 636, "protocol", "LDAPS", "sha256", "a".repeat(64)))
                .assertProblem(403, "destination_not_allowed");
        org.assertj.core.api.Assertions.assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/trusted-cas")
                        .json()
                        .path("certificates"))
                .as("nothing imported")
                .isEmpty();
    }
}
