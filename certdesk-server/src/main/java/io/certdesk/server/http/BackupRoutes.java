package io.certdesk.server.http;

import io.certdesk.server.access.Principal;
import io.certdesk.server.backup.Backups;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The platform admin's online backup of the embedded database ({@code certdesk backup}). */
final class BackupRoutes {
    private final Backups backups;

    BackupRoutes(Backups backups) {
        this.backups = backups;
    }

    void register(RouteTable routes) {
        routes.post("/api/v1/platform/backup", RouteAccess.SIGNED_IN, this::backup);
    }

    private void backup(Context ctx) {
        Principal actor = Requests.caller(ctx);
        String name = "certdesk-backup-"
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "") + ".zip";
        // refusals (not the platform admin, not H2) are thrown before the first byte is written
        backups.backup(actor, new java.io.FilterOutputStream(ctx.outputStream()) {
            private boolean started;

            @Override
            public void write(int b) throws java.io.IOException {
                start();
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                start();
                out.write(b, off, len);
            }

            private void start() {
                if (!started) {
                    started = true;
                    ctx.status(200)
                            .contentType("application/zip")
                            .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                            .header("Cache-Control", "no-store");
                }
            }
        });
    }
}
