package io.certdesk.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short form of the soak (the long form, ten minutes: {@code scripts/soak.sh}): two nodes
 * built as {@code ./certdesk} runs them, on one PostgreSQL, under mixed load for a minute and a
 * half answer no 5xx, fail no handshake (each presents the bound chain) and no request, and every
 * kind of request was made. Whether the heap and p99 stay flat is the long form's to show.
 */
class SoakTest {
    private static final Path JAR = Path.of("..", "certdesk-server", "target", "certdesk.jar")
            .toAbsolutePath()
            .normalize();
    private static final int SECONDS = Integer.getInteger("certdesk.soak.seconds", 90);

    @Test
    void twoNodesOnOnePostgresqlUnderMixedLoadAnswerNo5xxAndFailNoHandshake() throws Exception {
        assertThat(JAR).as("the server jar is built before this module's tests").exists();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (var c = postgres.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE certdesk_soak");
            }
            Soak.Report report = Soak.run(
                    JAR,
                    postgres.getJdbcUrl("postgres", "certdesk_soak"),
                    Duration.ofSeconds(SECONDS),
                    4,
                    Files.createTempDirectory("certdesk-soak"));
            System.out.println(report.table());
            System.out.println(report);
            assertThat(report.serverErrors()).as(report.toString()).isZero();
            assertThat(report.failedHandshakes()).as(report.toString()).isZero();
            assertThat(report.transportErrors()).as(report.toString()).isZero();
            assertThat(report.unexpected()).as(report.toString()).isZero();
            assertThat(report.counts())
                    .as("every kind of request was made")
                    .allSatisfy(
                            (kind, count) -> assertThat(count).as(kind.name()).isPositive());
            assertThat(report.minutes())
                    .allSatisfy(m -> assertThat(m.heapAfterGc()).allMatch(h -> h > 0));
        }
    }
}
