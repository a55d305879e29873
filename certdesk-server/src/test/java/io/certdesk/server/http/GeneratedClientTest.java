package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.generated.api.AccountsApi;
import io.certdesk.generated.api.AuthApi;
import io.certdesk.generated.api.CertificatesApi;
import io.certdesk.generated.client.ApiClient;
import io.certdesk.generated.client.ApiException;
import io.certdesk.generated.model.Account;
import io.certdesk.generated.model.Chain;
import io.certdesk.generated.model.CreateAccount;
import io.certdesk.generated.model.Login;
import io.certdesk.generated.model.TrustedCaImport;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.pki.tls.TrustingContext;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API description is usable by other tools: a Java client generated from docs/api/openapi.yaml
 * at build time (openapi-generator 7.25.0, its native library) signs in, creates an account,
 * imports a trusted CA and lists chains against a running server, reading every answer into its
 * generated models.
 */
class GeneratedClientTest extends OnBothDatabases {
    @Test
    void aClientGeneratedFromTheApiDescriptionSignsInCreatesAnAccountImportsACaAndListsChains() throws Exception {
        ApiClient client = new ApiClient();
        client.setHttpClientBuilder(HttpClient.newBuilder()
                .sslContext(TrustingContext.trustingOnly(
                        List.of(server.server().platformCa().root())))
                .connectTimeout(Duration.ofSeconds(5)));
        client.updateBaseUri("https://localhost:" + server.server().httpsPort());
        String token = new AuthApi(client)
                .signIn(new Login().username("admin").password(TestServer.ADMIN_PASSWORD))
                .getToken();
        assertThat(token).isNotBlank();
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));

        Account account = new AccountsApi(client)
                .createAccount(
                        new CreateAccount().name("Generated Client Print").type(CreateAccount.TypeEnum.VENDOR));
        assertThat(account.getId()).isNotBlank();
        assertThat(account.getName()).isEqualTo("Generated Client Print");

        Instant now = Instant.now();
        var ca = TestCa.certificate("O=Generated,CN=Generated Client CA")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                .build();
        Path pem = Files.createTempFile("generated-client", ".pem");
        Files.writeString(pem, Pem.certificate(ca.certificate()));
        CertificatesApi certificates = new CertificatesApi(client);
        TrustedCaImport imported = certificates.importTrustedCas(account.getId(), pem.toFile());
        assertThat(imported.getImported()).hasSize(1);
        assertThat(imported.getImported().get(0).getSubject()).contains("Generated Client CA");
        assertThat(certificates.listTrustedCas(account.getId(), null, null).getCertificates())
                .hasSize(1);

        List<Chain> chains = certificates.listPrivateChains(account.getId()).getChains();
        assertThat(chains).as("every new account gets a token-signing chain").hasSize(1);
        assertThat(chains.get(0).getPurposes()).extracting(Object::toString).containsExactly("TOKEN_SIGNING");
        assertThat(chains.get(0).getCertificates()).hasSize(3);

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                ApiException.class, () -> new AccountsApi(client).getAccount("no-such-account"));
        assertThat(refused.getCode()).isEqualTo(404);
        assertThat(refused.getResponseBody()).contains("\"code\":\"not_found\"");
    }
}
