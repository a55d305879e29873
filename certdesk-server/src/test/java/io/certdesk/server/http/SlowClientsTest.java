package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.tls.TrustingContext;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One client that opens many connections and trickles request bodies into them cannot stop the API
 * for the others (a probe of 2026-12-01: 255 such connections made /readyz stop answering). Other
 * clients are other loopback addresses (127.0.0.2, 127.0.0.3), as Linux lets a socket bind to any.
 */
class SlowClientsTest {
    private static TestServer server;
    private static SSLSocketFactory tls;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.startWithConnectionLimit(
                TestDatabase.H2, io.certdesk.server.app.ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
        tls = TrustingContext.trustingOnly(List.of(server.server().platformCa().root()))
                .getSocketFactory();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void trickledRequestBodiesOnManyConnectionsDoNotStopTheApiForOtherClients() throws Exception {
        double refusedBefore = refusedConnections();
        List<SSLSocket> slow = new ArrayList<>();
        int refusedAtOnce = 0;
        for (int i = 0; i < 255; i++) {
            try {
                SSLSocket s = connect("127.0.0.1");
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 1000000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            } catch (IOException e) {
                refusedAtOnce++; // closed as it arrived: over the client's connection limit
            }
        }
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        trickle.scheduleAtFixedRate(
                () -> {
                    for (SSLSocket s : slow) {
                        try {
                            s.getOutputStream().write(' ');
                            s.getOutputStream().flush();
                        } catch (IOException e) {
                            // the server let go of this one
                        }
                    }
                },
                2,
                2,
                TimeUnit.SECONDS);
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            int answered = 0;
            while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                assertThat(get("127.0.0.2", "/readyz")).startsWith("HTTP/1.1 200");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                        .as("/readyz for another client while the slow ones hold their connections")
                        .isLessThan(2_000);
                answered++;
                Thread.sleep(300);
            }
            assertThat(answered).isGreaterThan(10);
            String signIn = post(
                    "127.0.0.2",
                    "/api/v1/auth/login",
                    "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}");
            assertThat(signIn).as("a sign-in from another client").startsWith("HTTP/1.1 200");
        } finally {
            trickle.shutdownNow();
        }

        // the limit's exact count is the next test's (idle connections); here a body already too slow
        // when its worker first reads it is ended at once, which frees its place for one more
        int limit = io.certdesk.server.app.ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        assertThat(refusedAtOnce)
                .as("connections beyond the client's limit are closed as they arrive")
                .isBetween(255 - limit - 16, 255 - limit);
        for (SSLSocket s : slow) {
            s.setSoTimeout(3_000);
            String answer = readAll(s.getInputStream());
            assertThat(answer)
                    .as("a body slower than 1 KiB/s after its grace is ended with 408, not waited for")
                    .startsWith("HTTP/1.1 408")
                    .contains("\"code\":\"request_timeout\"");
            s.close();
        }
        assertThat(refusedConnections() - refusedBefore)
                .as("each connection closed at accept is counted")
                .isEqualTo(refusedAtOnce);
    }

    private static double refusedConnections() throws IOException {
        String metrics;
        try (SSLSocket s = connect("127.0.0.2")) {
            // HTTP/1.0: the body as one piece, no chunk lines inside it
            s.getOutputStream()
                    .write("GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            metrics = readAll(s.getInputStream());
        }
        return metrics.lines()
                .filter(l -> l.startsWith("certdesk_http_connections_refused_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aClientBelowItsLimitAgainIsServedOnceItsConnectionsHaveClosed() throws Exception {
        int max = io.certdesk.server.app.ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        for (int round = 0; round < 2; round++) {
            List<SSLSocket> held = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                held.add(connect("127.0.0.3"));
            }
            boolean overLimitServed;
            try (SSLSocket extra = connect("127.0.0.3")) {
                overLimitServed = true;
            } catch (IOException e) {
                overLimitServed = false;
            }
            assertThat(overLimitServed)
                    .as("round " + round + ": one more than the limit")
                    .isFalse();
            for (SSLSocket s : held) {
                s.close();
            }
            // closes are counted as the server sees them: the next round waits until it has
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < until) {
                try (SSLSocket probe = connect("127.0.0.3")) {
                    break;
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
        }
        assertThat(get("127.0.0.3", "/readyz")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aBodyThatEndsBeforeItsContentLengthIsTheClientsDoingAndLogsNoError() throws Exception {
        ch.qos.logback.classic.Logger apiLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ApiServer.class);
        var seen = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        seen.start();
        apiLog.addAppender(seen);
        try (SSLSocket s = connect("127.0.0.4")) {
            s.getOutputStream()
                    .write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 100\r\n\r\n{\"username\":")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.shutdownOutput(); // TLS close_notify: the body ends here, and the connection with it
            readAll(s.getInputStream());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.list.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        } finally {
            apiLog.detachAppender(seen);
        }
        assertThat(seen.list)
                .extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
                .containsExactly(
                        "INFO Request POST /api/v1/auth/login: the client closed the connection before its body ended");
    }

    @Test
    void aSmallBodyThatComesAPauseAfterItsHeadersIsServed() throws Exception {
        String signIn = "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
        assertThat(postInPieces("127.0.0.5", "/api/v1/auth/login", "", signIn, 600))
                .as("headers, then the body in one piece 600 ms later (as clients that write the body on its own do)")
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void aSmallBodyInTwoPiecesAPauseApartIsServed() throws Exception {
        String signIn = "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
        assertThat(postInPieces("127.0.0.6", "/api/v1/auth/login", signIn.substring(0, 10), signIn.substring(10), 600))
                .as(
                        "a body whose second piece is 600 ms late (a lost segment sent again), 70 bytes a second on average")
                .startsWith("HTTP/1.1 200");
    }

    /** Headers with the first piece of the body, then the rest after {@code pauseMillis}. */
    private static String postInPieces(String from, String path, String first, String rest, long pauseMillis)
            throws Exception {
        byte[] head = first.getBytes(StandardCharsets.UTF_8);
        byte[] tail = rest.getBytes(StandardCharsets.UTF_8);
        try (SSLSocket s = connect(from)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + (head.length + tail.length)
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.flush();
            Thread.sleep(pauseMillis);
            out.write(tail);
            out.flush();
            return readAll(s.getInputStream());
        }
    }

    private static SSLSocket connect(String from) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(from, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", server.server().httpsPort()), 2_000);
        SSLSocket s =
                (SSLSocket) tls.createSocket(plain, "localhost", server.server().httpsPort(), true);
        s.setSoTimeout(5_000);
        s.startHandshake();
        return s;
    }

    private static String get(String from, String path) throws IOException {
        try (SSLSocket s = connect(from)) {
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return readAll(s.getInputStream());
        }
    }

    private static String post(String from, String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (SSLSocket s = connect(from)) {
            s.getOutputStream()
                    .write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        var text = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                text.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what came is what there is
        } catch (IOException e) {
            if (text.size() == 0) {
                throw e;
            }
        }
        return text.toString(StandardCharsets.ISO_8859_1);
    }
}
