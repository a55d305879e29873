package io.certdesk.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * H2 writes a committed transaction to its file up to half a second later unless told otherwise:
 * a change answered 2xx would then be lost when the process is killed. (The crash harness,
 * {@code certdesk-bench}'s {@code CrashConsistency}, shows it end to end with SIGKILL.)
 */
class DatabaseDurabilityTest {
    @Test
    void anH2UrlIsOpenedWithCommitsWrittenAtOnce() {
        assertThat(Database.durableUrl("jdbc:h2:file:/data/certdesk;DB_CLOSE_ON_EXIT=FALSE"))
                .isEqualTo("jdbc:h2:file:/data/certdesk;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        assertThat(Database.durableUrl("jdbc:h2:file:/data/certdesk;write_delay=0"))
                .isEqualTo("jdbc:h2:file:/data/certdesk;write_delay=0");
    }

    @Test
    void anH2UrlAskingForAWriteDelayIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Database.durableUrl("jdbc:h2:file:/data/certdesk;WRITE_DELAY=500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WRITE_DELAY=500")
                .hasMessageContaining("crash");
    }

    @Test
    void aPostgresqlUrlIsLeftAsItIs() {
        assertThat(Database.durableUrl("jdbc:postgresql://db:5432/certdesk"))
                .isEqualTo("jdbc:postgresql://db:5432/certdesk");
    }

    @Test
    void theOpenH2DatabaseReportsNoWriteDelay() throws Exception {
        Path dir = Files.createTempDirectory("certdesk-durable");
        try (Database db =
                Database.open("jdbc:h2:file:" + dir.resolve("certdesk") + ";DB_CLOSE_ON_EXIT=FALSE", "certdesk", "")) {
            var delays = db.read(h -> h.createQuery(
                            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")
                    .mapTo(String.class)
                    .list());
            assertThat(delays).isNotEmpty().containsOnly("0");
        }
    }
}
