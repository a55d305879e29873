package io.certdesk.server.testing;

import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Debian's OpenLDAP server, started for a test on 127.0.0.1 with a configuration of its own: LDAPS
 * and plain LDAP (with StartTLS) ports, a server certificate given here, and a root DN to bind as.
 */
public final class Slapd implements AutoCloseable {
    public static final String SUFFIX = "dc=acme,dc=test";
    public static final String ROOT_DN = "cn=admin,dc=acme,dc=test";
    public static final String ROOT_PASSWORD = "slapd-root-password";

    private final Process process;
    private final int ldapsPort;
    private final int ldapPort;

    private Slapd(Process process, int ldapsPort, int ldapPort) {
        this.process = process;
        this.ldapsPort = ldapsPort;
        this.ldapPort = ldapPort;
    }

    public static Slapd start(TestCa.Issued leaf, X509Certificate... issuers) {
        DebianTools.require("slapd");
        try {
            Path dir = Files.createTempDirectory("slapd");
            Files.createDirectories(dir.resolve("db"));
            StringBuilder chain = new StringBuilder(Pem.certificate(leaf.certificate()));
            for (X509Certificate issuer : issuers) {
                chain.append(Pem.certificate(issuer));
            }
            Files.writeString(dir.resolve("server.pem"), chain);
            Files.writeString(
                    dir.resolve("server.key"),
                    Pem.block("PRIVATE KEY", leaf.key().getEncoded()));
            Files.writeString(
                    dir.resolve("slapd.conf"),
                    String.join(
                            "\n",
                            "include /etc/ldap/schema/core.schema",
                            "modulepath /usr/lib/ldap",
                            "moduleload back_mdb",
                            "pidfile " + dir.resolve("slapd.pid"),
                            "TLSCertificateFile " + dir.resolve("server.pem"),
                            "TLSCertificateKeyFile " + dir.resolve("server.key"),
                            "database mdb",
                            "maxsize 10485760",
                            "suffix \"" + SUFFIX + "\"",
                            "rootdn \"" + ROOT_DN + "\"",
                            "rootpw " + ROOT_PASSWORD,
                            "directory " + dir.resolve("db"),
                            ""));
            int ldaps = freePort();
            int ldap = freePort();
            Process process = new ProcessBuilder(
                            "/usr/sbin/slapd",
                            "-f",
                            dir.resolve("slapd.conf").toString(),
                            "-d",
                            "0",
                            "-h",
                            "ldaps://127.0.0.1:" + ldaps + "/ ldap://127.0.0.1:" + ldap + "/")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("slapd.log").toFile())
                    .start();
            Slapd slapd = new Slapd(process, ldaps, ldap);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!listening(ldaps) || !listening(ldap)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    slapd.close();
                    throw new IllegalStateException(
                            "slapd did not start: " + Files.readString(dir.resolve("slapd.log")));
                }
                Thread.sleep(50);
            }
            return slapd;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int ldapsPort() {
        return ldapsPort;
    }

    public int ldapPort() {
        return ldapPort;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
