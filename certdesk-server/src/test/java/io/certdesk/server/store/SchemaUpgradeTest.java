package io.certdesk.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.server.testing.AcmeTestClient;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.Handshakes;
import io.certdesk.server.testing.Jwks;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upgrades: a database is taken through every migration step in turn, each step's data written
 * as that step's code wrote it ({@link SchemaHistory}). After each step every row written before is
 * still there with the same values; after the last, the newest server starts on it and serves
 * that data to its users: sign-in and sessions, chains over TLS, tokens from old API clients,
 * OCSP answers, ACME accounts and orders.
 */
class SchemaUpgradeTest {
    @ParameterizedTest(name = "on {0}")
    @EnumSource(TestDatabase.class)
    void aDatabaseWithTheDataOfEveryMigrationStepUpgradesToTheNewestWithItsDataIntactAndServed(TestDatabase kind)
            throws Exception {
        Path dataDir = Files.createTempDirectory("certdesk-upgrade");
        Optional<String> pgUrl = kind.newDatabaseUrl();
        String url = pgUrl.orElseGet(() -> Database.durableUrl(Database.embeddedUrl(dataDir)));
        String user = TestDatabase.user(pgUrl);
        SchemaHistory history = new SchemaHistory();
        Map<String, SchemaHistory.Step> steps = history.steps();

        List<String> versions = migrations(url, user);
        assertThat(steps.keySet())
                .as("every migration has its step in SchemaHistory: the data its code writes")
                .containsExactlyElementsOf(versions);

        Jdbi jdbi = Jdbi.create(url, user, "");
        for (String version : versions) {
            Map<String, List<Map<String, String>>> before = snapshot(url, user);
            flyway(url, user).target(version).load().migrate();
            assertKept(before, snapshot(url, user), version);
            SchemaHistory.Step step = steps.get(version);
            jdbi.useTransaction(h -> {
                try {
                    step.fill().write(h);
                } catch (Exception e) {
                    throw new IllegalStateException("step " + version + " (" + step.wrote() + ")", e);
                }
            });
        }
        assertDataMigrations(jdbi, history);

        try (TestServer server = kind == TestDatabase.H2
                ? TestServer.startOnData(dataDir, history.masterKey, null)
                : TestServer.startOnPostgresql(url, history.masterKey)) {
            assertServed(server, history);
        }
    }

    /** What the data migrations (Java, steps 10 and 13) derived from the rows before them. */
    private static void assertDataMigrations(Jdbi jdbi, SchemaHistory history) {
        jdbi.useHandle(h -> {
            List<String> recorded = h.createQuery("SELECT issued_for || ' ' || sha256 FROM issued_certificates")
                    .mapTo(String.class)
                    .list();
            assertThat(recorded)
                    .as("step 10 recorded what the platform CA had signed before issued_certificates existed")
                    .contains(
                            "ISSUING_CA " + CertificateCodec.sha256Hex(history.caAtStep1.issuing()),
                            "NODE_SERVER " + CertificateCodec.sha256Hex(history.nodeCertificate),
                            "TLS_SERVER " + CertificateCodec.sha256Hex(history.generatedTls.leaf()),
                            "TOKEN_SIGNING " + CertificateCodec.sha256Hex(history.signing.leaf()));
            assertThat(h.createQuery("SELECT COUNT(*) FROM private_chain_certificates WHERE not_after IS NULL")
                            .mapTo(Integer.class)
                            .one())
                    .as("step 13 gave every stored certificate its end")
                    .isZero();
            var renewAt = h.createQuery("SELECT renew_at FROM chain_renewals WHERE chain_id = :c")
                    .bind("c", history.generatedTlsId)
                    .mapTo(OffsetDateTime.class)
                    .one()
                    .toInstant();
            var leaf = history.generatedTls.leaf();
            long life = leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime();
            assertThat(renewAt.toEpochMilli())
                    .as("step 13 scheduled a generated chain's renewal at two thirds of its life")
                    .isEqualTo(leaf.getNotBefore().getTime() + life * 67 / 100);
        });
    }

    /** The newest server serves the upgraded data to its users as they use it. */
    private static void assertServed(TestServer server, SchemaHistory history) throws Exception {
        assertThat(CertificateFiles.readCertificates(
                        server.anonymous().get("/api/v1/platform/ca.pem").raw().body()))
                .as("the platform CA of step 1 is the one in use")
                .containsExactly(history.ca.root());
        assertThat(Handshakes.presented(server.server().httpsPort(), Optional.of(SchemaHistory.VENDOR_DOMAIN))
                        .get(0))
                .as("the imported chain bound at step 3 is served")
                .isEqualTo(history.imported.leaf());
        assertThat(Handshakes.presented(server.server().httpsPort(), Optional.of(SchemaHistory.API_DOMAIN))
                        .get(0))
                .isEqualTo(history.generatedTls.leaf());
        assertThat(Handshakes.presented(server.server().httpsPort(), Optional.of(SchemaHistory.CUSTOMER_DOMAIN)))
                .as("the customer's RSA chain of step 10, whole")
                .isEqualTo(history.customerChain);

        var session = server.bearer(history.sessionToken).get("/api/v1/auth/me").assertStatus(200);
        assertThat(session.json().toString()).contains(SchemaHistory.VENDOR_ADMIN);
        var vendorAdmin = server.anonymous().login(SchemaHistory.VENDOR_ADMIN, SchemaHistory.VENDOR_ADMIN_PASSWORD);
        JsonNode chains = vendorAdmin
                .get("/api/v1/accounts/" + history.vendor + "/private-chains")
                .assertStatus(200)
                .json();
        assertThat(chains.toString())
                .contains(
                        history.importedId,
                        history.generatedTlsId,
                        history.signingId,
                        history.passiveId,
                        history.nextSigningId);
        JsonNode trusted = vendorAdmin
                .get("/api/v1/accounts/" + history.vendor + "/trusted-cas")
                .assertStatus(200)
                .json()
                .path("certificates")
                .get(0);
        assertThat(trusted.path("sha256").asText())
                .isEqualTo(io.certdesk.pki.certs.CertificateInfo.of(history.trustedCa)
                        .sha256());
        assertThat(trusted.path("shareWithCustomers").asBoolean())
                .as("shared at step 8")
                .isTrue();
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.customer + "/trust-settings")
                        .assertStatus(200)
                        .text())
                .as("the customer's trust settings of step 8")
                .contains("HARD_FAIL")
                .contains("true");
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.vendor + "/lifecycle-settings")
                        .text())
                .contains("20");
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.vendor + "/webhooks")
                        .text())
                .contains(history.webhookId);
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.vendor + "/private-chains/requests")
                        .text())
                .contains(history.requestId);
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.vendor + "/acme/eab")
                        .text())
                .contains(history.eabKeyId);
        assertThat(vendorAdmin
                        .get("/api/v1/accounts/" + history.vendor + "/certificates/"
                                + history.signedRequest.getSerialNumber().toString(16))
                        .assertStatus(200)
                        .text())
                .contains("printer-7." + SchemaHistory.VENDOR_DOMAIN);

        String token = ApiClients.token(
                server, new ApiClients.Client(history.vendor, history.apiClientId, history.apiClientSecret));
        var jwks = Jwks.fetch(server, history.vendor);
        assertThat(Jwks.verifies(jwks, token))
                .as("a token of the API client of step 5")
                .isTrue();
        assertThat(jwks.getKeys())
                .as("the signing key, the passive one (step 6) and the next one (step 7)")
                .hasSize(3);
        server.bearer(token)
                .get("/api/v1/accounts/" + history.vendor + "/trusted-cas")
                .assertStatus(200);

        var revoked =
                Publications.ask(server, Publications.ocspRequest(history.revokedLeaf, history.ca.ecIssuing(), true));
        assertThat(revoked.getResponses()[0].getCertStatus())
                .as("the certificate revoked at step 10")
                .isInstanceOf(RevokedStatus.class);
        var good = Publications.ask(
                server, Publications.ocspRequest(history.generatedTls.leaf(), history.caAtStep1.issuing(), true));
        assertThat(good.getResponses()[0].getCertStatus())
                .as("a chain generated at step 3, recorded by step 10")
                .isNull();

        String directory =
                "https://localhost:" + server.server().httpsPort() + "/acme/" + history.vendor + "/directory";
        AcmeTestClient acme =
                new AcmeTestClient(directory, server.server().platformCa().root(), history.acmeKey);
        var existing = acme.send(acme.directory().path("newAccount").asText(), Map.of("onlyReturnExisting", true));
        assertThat(existing.status()).as(existing.json().toString()).isEqualTo(200);
        String accountUrl = existing.raw().headers().firstValue("Location").orElseThrow();
        assertThat(accountUrl).endsWith(history.acmeAccountId);
        acme.signAs(accountUrl);
        String base = directory.substring(0, directory.length() - "directory".length());
        var order = acme.send(base + "order/" + history.acmeOrderId, null);
        assertThat(order.status()).as(order.json().toString()).isEqualTo(200);
        assertThat(order.json().path("status").asText()).isEqualTo("valid");
        var certificate = acme.send(order.json().path("certificate").asText(), null);
        assertThat(certificate.status()).isEqualTo(200);
        assertThat(CertificateFiles.readCertificates(certificate.raw().body()).get(0))
                .as("the ACME certificate of step 19, downloaded by its account")
                .isEqualTo(history.acmeCertificate);

        var scep = server.admin()
                .get("/api/v1/accounts/" + history.vendor + "/scep/settings")
                .assertStatus(200);
        assertThat(scep.json().path("enabled").asBoolean()).isTrue();
        assertThat(scep.json().path("validityDays").asInt()).isEqualTo(200);
        String http = "http://127.0.0.1:" + server.server().httpPort().orElseThrow();
        var caCerts = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(http + "/scep?operation=GetCACert"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        X509Certificate ra = io.certdesk.pki.testing.ScepClient.registrationAuthority(caCerts.body());
        assertThat(ra).as("the RA of step 24 still answers").isEqualTo(history.scepRa);
        java.security.KeyPair device = io.certdesk.pki.keys.KeyPairs.generate(
                io.certdesk.pki.keys.KeyType.RSA_2048, new java.security.SecureRandom());
        String name = SchemaHistory.API_DOMAIN;
        var sent = io.certdesk.pki.testing.ScepClient.enrollment(
                19,
                io.certdesk.pki.testing.ScepClient.csr(device, name, List.of(name), Optional.of(history.scepPassword)),
                io.certdesk.pki.testing.ScepClient.selfSigned(device, name),
                device.getPrivate(),
                ra,
                io.certdesk.pki.testing.ScepClient.transactionId(),
                io.certdesk.pki.testing.ScepClient.Options.standard());
        var answer = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        http + "/scep/" + history.vendor + "?operation=PKIOperation"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(sent.der()))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var reply = io.certdesk.pki.testing.ScepClient.read(answer.body(), ra, device.getPrivate());
        assertThat(reply.status())
                .as("a device enrolls with the static password of step 24: %s", reply.failInfoText())
                .isEqualTo("0");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + history.vendor + "/certificates")
                        .json()
                        .toString())
                .as("the SCEP certificate of step 24 is listed")
                .contains(history.scepCertificate.getSerialNumber().toString(16));
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, String user) {
        return Flyway.configure().dataSource(url, user, "").locations("classpath:db/migration");
    }

    private static List<String> migrations(String url, String user) {
        List<String> versions = new ArrayList<>();
        for (MigrationInfo info : flyway(url, user).load().info().all()) {
            versions.add(info.getVersion().getVersion());
        }
        return versions;
    }

    /** Every row of every table (but Flyway's), each as column → value (bytes as hex, times as instants). */
    private static Map<String, List<Map<String, String>>> snapshot(String url, String user) throws SQLException {
        Map<String, List<Map<String, String>>> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    String name = rs.getString("TABLE_NAME");
                    if (schema.equalsIgnoreCase("public") && !name.equalsIgnoreCase("flyway_schema_history")) {
                        names.add(name);
                    }
                }
            }
            for (String name : names) {
                List<Map<String, String>> rows = new ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + name)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, String> row = new TreeMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), value(rs, i));
                        }
                        rows.add(row);
                    }
                }
                tables.put(name.toLowerCase(Locale.ROOT), rows);
            }
        }
        return tables;
    }

    private static String value(ResultSet rs, int column) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof OffsetDateTime || value instanceof java.sql.Timestamp) {
            return rs.getObject(column, OffsetDateTime.class).toInstant().toString();
        }
        return value.toString();
    }

    /** Each row of {@code before} is in {@code after} with the same values in every column it had. */
    private static void assertKept(
            Map<String, List<Map<String, String>>> before,
            Map<String, List<Map<String, String>>> after,
            String version) {
        for (var table : before.entrySet()) {
            assertThat(after)
                    .as("step %s keeps table %s", version, table.getKey())
                    .containsKey(table.getKey());
            List<Map<String, String>> rows = after.get(table.getKey());
            for (Map<String, String> row : table.getValue()) {
                boolean found = rows.stream().anyMatch(candidate -> {
                    assertThat(candidate.keySet())
                            .as("step %s keeps the columns of %s", version, table.getKey())
                            .containsAll(row.keySet());
                    return row.entrySet().stream()
                            .allMatch(e -> java.util.Objects.equals(e.getValue(), candidate.get(e.getKey())));
                });
                assertThat(found)
                        .as("step %s keeps this row of %s: %s", version, table.getKey(), abbreviated(row))
                        .isTrue();
            }
        }
    }

    private static String abbreviated(Map<String, String> row) {
        return row.entrySet().stream()
                .map(e -> e.getKey() + "="
                        + (e.getValue() != null && e.getValue().length() > 40
                                ? e.getValue().substring(0, 40) + "…"
                                : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
