package io.certdesk.bench;

import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes N distinct CA certificates as PEM files of at most 500 each (the import's limit per
 * file), for load scripts: {@code java -cp benchmarks.jar io.certdesk.bench.MakeCertificates N DIR}.
 */
public final class MakeCertificates {
    private MakeCertificates() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        Instant now = Instant.now();
        StringBuilder file = new StringBuilder();
        int files = 0;
        for (int i = 1; i <= count; i++) {
            file.append(Pem.certificate(TestCa.certificate("O=Load,CN=Load CA " + i)
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)))
                    .build()
                    .certificate()));
            if (i % 500 == 0 || i == count) {
                Files.writeString(dir.resolve(String.format("cas-%03d.pem", ++files)), file);
                file.setLength(0);
            }
        }
        System.out.println("wrote " + count + " certificates in " + files + " files to " + dir);
    }
}
