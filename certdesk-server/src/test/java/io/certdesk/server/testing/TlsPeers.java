package io.certdesk.server.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import io.certdesk.pki.testing.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Servers on 127.0.0.1 that a connection check can reach: LDAP (UnboundID's in-memory directory), HTTPS, SMTP with STARTTLS. */
public final class TlsPeers {
    public static final String BASE_DN = "dc=acme,dc=test";
    public static final String BIND_DN = "cn=sync,dc=acme,dc=test";
    public static final String BIND_PASSWORD = "sync-password";

    private TlsPeers() {}

    /** A server TLS context presenting {@code leaf} and then {@code chain} (its issuers). */
    public static SSLContext serverContext(TestCa.Issued leaf, X509Certificate... chain) {
        try {
            char[] password = "peer".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<Certificate> certificates = new ArrayList<>();
            certificates.add(leaf.certificate());
            certificates.addAll(List.of(chain));
            store.setKeyEntry("server", leaf.key(), password, certificates.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A listener of the in-memory directory: LDAPS, or LDAP with StartTLS. */
    public record LdapListener(String name, boolean implicitTls, SSLContext tls) {}

    /** An in-memory directory with the bind user, one listener per entry; ports by name from {@link InMemoryDirectoryServer#getListenPort(String)}. */
    public static InMemoryDirectoryServer directory(LdapListener... listeners) {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
            List<InMemoryListenerConfig> configs = new ArrayList<>();
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (LdapListener listener : listeners) {
                configs.add(
                        listener.implicitTls()
                                ? InMemoryListenerConfig.createLDAPSConfig(
                                        listener.name(),
                                        loopback,
                                        0,
                                        listener.tls().getServerSocketFactory(),
                                        null)
                                : InMemoryListenerConfig.createLDAPConfig(
                                        listener.name(),
                                        loopback,
                                        0,
                                        listener.tls().getSocketFactory()));
            }
            config.setListenerConfigs(configs);
            config.setSchema(null);
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            server.add("dn: " + BASE_DN, "objectClass: top", "objectClass: domain", "dc: acme");
            server.add(
                    "dn: " + BIND_DN,
                    "objectClass: top",
                    "objectClass: person",
                    "cn: sync",
                    "sn: sync",
                    "userPassword: " + BIND_PASSWORD);
            server.startListening();
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTPS server answering 200 to everything; stop it with {@code stop(0)}. */
    public static HttpsServer https(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SMTP server that offers STARTTLS and completes the TLS handshake; close it to stop. */
    public static ServerSocket smtpStartTls(SSLContext tls) {
        try {
            ServerSocket listener = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
            Thread thread = new Thread(
                    () -> {
                        while (!listener.isClosed()) {
                            try (Socket socket = listener.accept()) {
                                socket.setSoTimeout(10_000);
                                InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream();
                                out.write("220 smtp.acme.test ESMTP ready\r\n".getBytes(StandardCharsets.US_ASCII));
                                if (!line(in).toUpperCase().startsWith("EHLO")) {
                                    continue;
                                }
                                out.write("250-smtp.acme.test\r\n250-SIZE 1000000\r\n250 STARTTLS\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                                if (!line(in).equalsIgnoreCase("STARTTLS")) {
                                    continue;
                                }
                                out.write("220 2.0.0 Ready to start TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                                SSLSocket secure = (SSLSocket)
                                        tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
                                secure.setUseClientMode(false);
                                secure.startHandshake();
                                secure.getInputStream().read(); // until the client closes
                            } catch (IOException e) {
                                // the next client
                            }
                        }
                    },
                    "smtp-peer");
            thread.setDaemon(true);
            thread.start();
            return listener;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
