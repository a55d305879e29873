package io.certdesk.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short form of the crash harness (the long form: {@code scripts/crash-consistency.sh}):
 * a node built as {@code ./certdesk} runs it, killed with SIGKILL under a stream of changes,
 * loses none of the changes it answered (imports, generations, bindings, deletions, revocations,
 * device and ACME certificates, tokens), on H2 and on PostgreSQL, and the webhook event of every
 * chain import and deletion it answered is delivered.
 */
class CrashConsistencyTest {
    private static final Path JAR = Path.of("..", "certdesk-server", "target", "certdesk.jar")
            .toAbsolutePath()
            .normalize();
    private static final int KILLS = Integer.getInteger("certdesk.crash.kills", 4);
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void postgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void aNodeKilledUnderChangesOnH2LosesNoneItAnswered() throws Exception {
        survives(new CrashConsistency.Target("H2", Optional.empty()));
    }

    @Test
    void aNodeKilledUnderChangesOnPostgresqlLosesNoneItAnswered() throws Exception {
        try (var c = postgres.getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE certdesk_crash");
        }
        survives(new CrashConsistency.Target(
                "PostgreSQL", Optional.of(postgres.getJdbcUrl("postgres", "certdesk_crash"))));
    }

    private static void survives(CrashConsistency.Target target) throws Exception {
        assertThat(JAR).as("the server jar is built before this module's tests").exists();
        CrashConsistency.Report report = CrashConsistency.run(
                JAR, target, KILLS, System.nanoTime(), Files.createTempDirectory("certdesk-crash"));
        System.out.println(report);
        assertThat(report.lost()).as(report.toString()).isEmpty();
        assertThat(report.refused()).as("changes refused by a live node").isZero();
        assertThat(report.survived()).isEqualTo(KILLS);
        // the stream made real changes of every kind, so the checks had something to find
        assertThat(report.ledger())
                .allSatisfy((kind, count) -> assertThat(count).as(kind).isPositive());
        assertThat(report.webhookEvents()).as("events told from the outbox").isPositive();
    }
}
