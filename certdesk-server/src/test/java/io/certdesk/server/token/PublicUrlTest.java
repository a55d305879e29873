package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Behind a load balancer the tokens name the address clients use (--public-url), not the node's own port. */
class PublicUrlTest extends FreshServerOnBothDatabases {
    @Test
    void tokensAndMetadataNameThePublicUrlAndStillWorkOnTheApi() throws Exception {
        server = TestServer.startWithPublicUrl(database, "https://certs.example.test");
        String account = server.admin().createVendor("Behind a balancer");
        String issuer = "https://certs.example.test/api/v1/accounts/" + account;
        String token = ApiClients.token(server, ApiClients.create(server, account, null));
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo(issuer);
        JsonNode metadata = server.anonymous()
                .get("/api/v1/accounts/" + account + "/.well-known/openid-configuration")
                .json();
        assertThat(metadata.path("issuer").asText()).isEqualTo(issuer);
        assertThat(metadata.path("jwks_uri").asText()).isEqualTo(issuer + "/.well-known/jwks.json");
        server.bearer(token)
                .get("/api/v1/accounts/" + account + "/private-chains")
                .assertStatus(200);
    }
}
