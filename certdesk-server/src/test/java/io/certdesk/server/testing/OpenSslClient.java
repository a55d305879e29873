package io.certdesk.server.testing;

import io.certdesk.pki.codec.CertificateCodec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code openssl s_client} against a listener on 127.0.0.1: the chain it was shown and whether it verified. */
public final class OpenSslClient {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", Pattern.DOTALL);

    private OpenSslClient() {}

    public record Result(int exit, String output, List<X509Certificate> chain) {
        /** Verified against the CA file (and the host name, when one was asked for). */
        public boolean verified() {
            return exit == 0 && output.contains("Verify return code: 0 (ok)");
        }

        public String leafSha256() {
            return CertificateCodec.sha256Hex(chain.get(0));
        }

        public String leafSubject() {
            return chain.get(0).getSubjectX500Principal().getName();
        }
    }

    /**
     * A full handshake asking for {@code serverName} (empty: no SNI), verifying the chain against
     * {@code caFile} and, with a server name, the name itself; {@code extra} adds options such as
     * {@code -sigalgs}.
     */
    public static Result connect(Path dir, int port, Optional<String> serverName, Path caFile, String... extra) {
        DebianTools.require("openssl");
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-showcerts",
                "-CAfile",
                caFile.toString(),
                "-verify_return_error"));
        if (serverName.isPresent()) {
            command.addAll(List.of("-servername", serverName.get(), "-verify_hostname", serverName.get()));
        } else {
            command.add("-noservername");
        }
        command.addAll(List.of(extra));
        DebianTools.Run run = DebianTools.run(dir, command.toArray(new String[0]));
        List<X509Certificate> chain = new ArrayList<>();
        Matcher pem = PEM.matcher(run.output());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (pem.find()) {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(pem.group().getBytes(StandardCharsets.US_ASCII))));
            }
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
        return new Result(run.exit(), run.output(), chain);
    }
}
