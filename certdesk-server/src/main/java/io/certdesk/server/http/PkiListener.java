package io.certdesk.server.http;

import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.revocation.OcspQuery;
import io.certdesk.server.ca.RevocationPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The plain-HTTP listener ({@code --http-port}) that serves the platform CA's publications and
 * nothing else, since relying parties fetch them over HTTP by design (RFC 5280 §4.2.2.1, RFC 6960
 * appendix A): {@code /pki/ca/ID.crt}, {@code /pki/crl/ID.crl} and the OCSP responder at
 * {@code /pki/ocsp} (POST, or GET with the base64 request after it, RFC 5019 §5); and SCEP
 * (RFC 8894), whose messages carry their own security and which devices speak over plain HTTP:
 * {@code /scep/ACCOUNT_ID} (with anything after it, such as {@code /pkiclient.exe}), and the
 * paths that name no account, where the challenge password tells it: {@code /scep},
 * {@code /certsrv/mscep/mscep.dll} (NDES's, which Canon and Intune devices are set up with) and
 * {@code /cgi-bin/pkiclient.exe}. Everything else is a 404. It is bound before the platform CA loads, so certificates can name its port; until
 * {@link #publish} it answers 503.
 */
public final class PkiListener implements AutoCloseable {
    private static final String CA = PkiLocations.PREFIX + "ca/";
    private static final String CRL = PkiLocations.PREFIX + "crl/";
    private static final String OCSP = PkiLocations.PREFIX + "ocsp";
    /** How long caches may keep a CRL: it is reissued within seconds of a revocation. */
    static final Duration CRL_MAX_AGE = Duration.ofMinutes(5);
    /** Refused bodies up to this size are read to the end before the 413 is sent. */
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Server server;
    private final ServerConnector connector;
    private final AtomicReference<RevocationPublisher> publisher = new AtomicReference<>();
    private final AtomicReference<io.certdesk.server.scep.ScepService> scep = new AtomicReference<>();
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private PkiListener(String bindHost, int port, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.registry = registry;
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("certdesk-pki");
        this.server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(true);
        // a GET request's base64 may hold "/", "//" and "%2F": the path is read raw, never mapped to files
        config.setUriCompliance(UriCompliance.UNSAFE);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(bindHost);
        connector.setPort(port);
        connector.setIdleTimeout(Duration.ofSeconds(30).toMillis());
        server.addConnector(connector);
        server.setHandler(new Publications());
        server.setStopTimeout(Duration.ofSeconds(5).toMillis());
    }

    /** Binds and starts the listener ({@code port} 0: any free one). */
    public static PkiListener start(String bindHost, int port, Clock clock, MeterRegistry registry) {
        PkiListener listener = new PkiListener(bindHost, port, clock, registry);
        try {
            listener.server.start();
        } catch (Exception e) {
            try {
                listener.server.stop();
            } catch (Exception ignored) {
                // it did not start
            }
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalStateException(cause.getMessage(), e);
        }
        return listener;
    }

    /** From now on, answers from {@code publications}. */
    public void publish(RevocationPublisher publications) {
        publisher.set(publications);
    }

    /** From now on, answers SCEP. */
    public void publishScep(io.certdesk.server.scep.ScepService service) {
        scep.set(service);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the plain-HTTP listener failed", e);
        }
    }

    private final class Publications extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            RevocationPublisher pki = publisher.get();
            Optional<Optional<String>> scepAccount = path == null ? Optional.empty() : scepAccount(path);
            if (scepAccount.isPresent()) {
                return scep(request, response, callback, scepAccount.get(), method);
            }
            if (path == null || !path.startsWith(PkiLocations.PREFIX)) {
                return text(response, callback, "other", 404, "Only /pki/ is served on this port.");
            }
            if (pki == null) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                return text(response, callback, "other", 503, "Starting.");
            }
            if (path.equals(OCSP) || path.startsWith(OCSP + "/")) {
                return ocsp(pki, request, response, callback, path, method);
            }
            boolean read = method.equals("GET") || method.equals("HEAD");
            if (path.startsWith(CA) && path.endsWith(".crt")) {
                Optional<byte[]> der = pki.caCertificate(id(path, CA, ".crt"));
                if (der.isEmpty()) {
                    return text(response, callback, "ca", 404, "No CA certificate at " + abbreviate(path) + ".");
                }
                if (!read) {
                    return notAllowed(response, callback, "ca", "GET, HEAD");
                }
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400");
                return bytes(response, callback, "ca", "application/pkix-cert", der.get());
            }
            if (path.startsWith(CRL) && path.endsWith(".crl")) {
                Optional<RevocationPublisher.PublishedCrl> crl = pki.crl(id(path, CRL, ".crl"));
                if (crl.isEmpty()) { // (empty too before this node has a CRL of that CA)
                    return text(response, callback, "crl", 404, "No CRL at " + abbreviate(path) + ".");
                }
                if (!read) {
                    return notAllowed(response, callback, "crl", "GET, HEAD");
                }
                RevocationPublisher.PublishedCrl c = crl.get();
                Instant now = clock.instant();
                long left = Math.max(0, Duration.between(now, c.nextUpdate()).toSeconds());
                long maxAge = Math.min(left, CRL_MAX_AGE.toSeconds());
                return cacheable(
                        request,
                        response,
                        callback,
                        "crl",
                        "application/pkix-crl",
                        c.der(),
                        c.etag(),
                        c.thisUpdate(),
                        now.plusSeconds(maxAge),
                        maxAge);
            }
            return text(response, callback, "other", 404, "Nothing is published at " + abbreviate(path) + ".");
        }

        private boolean ocsp(
                RevocationPublisher pki,
                Request request,
                Response response,
                Callback callback,
                String path,
                String method)
                throws Exception {
            byte[] der;
            if (method.equals("POST") && path.equals(OCSP)) {
                long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
                if (length > OcspQuery.MAX_BYTES) {
                    if (length <= DRAIN_LIMIT) {
                        // read to the end, so the client, still sending, reads the answer instead of a reset
                        try (var in = Content.Source.asInputStream(request)) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        }
                    }
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    return tooLarge(response, callback);
                }
                try {
                    der = Content.Source.asByteArrayAsync(request, OcspQuery.MAX_BYTES + 1)
                            .get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) { // a body without a length, and too long
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    return tooLarge(response, callback);
                }
            } else if (method.equals("GET") || method.equals("HEAD")) {
                der = path.length() > OCSP.length() + 1 ? fromBase64(path.substring(OCSP.length() + 1)) : new byte[0];
            } else {
                return notAllowed(response, callback, "ocsp", "GET, POST");
            }
            RevocationPublisher.OcspAnswer answer = pki.ocsp(der);
            if (answer.cached().isEmpty()) {
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                return bytes(response, callback, "ocsp", "application/ocsp-response", answer.der());
            }
            RevocationPublisher.Cached cached = answer.cached().get();
            long maxAge = Math.max(
                    0, Duration.between(clock.instant(), cached.nextUpdate()).toSeconds());
            return cacheable(
                    request,
                    response,
                    callback,
                    "ocsp",
                    "application/ocsp-response",
                    answer.der(),
                    cached.etag(),
                    cached.thisUpdate(),
                    cached.nextUpdate(),
                    maxAge);
        }

        private boolean cacheable(
                Request request,
                Response response,
                Callback callback,
                String resource,
                String type,
                byte[] body,
                String etag,
                Instant lastModified,
                Instant expires,
                long maxAge) {
            var headers = response.getHeaders();
            headers.put(HttpHeader.CACHE_CONTROL, "public, no-transform, must-revalidate, max-age=" + maxAge);
            headers.put(HttpHeader.ETAG, etag);
            headers.put(HttpHeader.LAST_MODIFIED, HTTP_DATE.format(lastModified));
            headers.put(HttpHeader.EXPIRES, HTTP_DATE.format(expires));
            String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
            if (etag.equals(ifNoneMatch)) {
                count(resource, 304);
                response.setStatus(304);
                callback.succeeded();
                return true;
            }
            return bytes(response, callback, resource, type, body);
        }
    }

    private static final String SCEP = "/scep";
    private static final java.util.Set<String> SCEP_WITHOUT_ACCOUNT = java.util.Set.of(
            "/scep", "/scep/", "/certsrv/mscep/mscep.dll", "/certsrv/mscep/mscep.dll/", "/cgi-bin/pkiclient.exe");
    private static final java.util.regex.Pattern SCEP_ACCOUNT =
            java.util.regex.Pattern.compile("/scep/([A-Za-z0-9-]{1,64})(/.*)?");

    /** For a SCEP path: the account it names (empty for the paths naming none); empty for any other path. */
    static Optional<Optional<String>> scepAccount(String path) {
        if (SCEP_WITHOUT_ACCOUNT.contains(path)) {
            return Optional.of(Optional.empty());
        }
        if (path.startsWith(SCEP + "/")) {
            var m = SCEP_ACCOUNT.matcher(path);
            if (m.matches()) {
                return Optional.of(Optional.of(m.group(1)));
            }
        }
        return Optional.empty();
    }

    /** The value of {@code name} in a raw query, percent-decoding left to the caller; null when absent. */
    static String queryValue(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }

    private boolean scep(Request request, Response response, Callback callback, Optional<String> account, String method)
            throws Exception {
        io.certdesk.server.scep.ScepService service = scep.get();
        if (service == null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            return text(response, callback, "scep", 503, "Starting.");
        }
        String query = request.getHttpURI().getQuery();
        String operation = queryValue(query, "operation");
        if (operation == null) {
            return text(
                    response,
                    callback,
                    "scep",
                    400,
                    "A SCEP request names its operation: ?operation=GetCACaps, GetCACert or PKIOperation.");
        }
        boolean get = method.equals("GET") || method.equals("HEAD");
        switch (operation) {
            case "GetCACaps" -> {
                if (!get) {
                    return notAllowed(response, callback, "scep", "GET, HEAD");
                }
                return bytes(
                        response,
                        callback,
                        "scep",
                        "text/plain; charset=us-ascii",
                        service.capabilities().getBytes(StandardCharsets.US_ASCII));
            }
            case "GetCACert" -> {
                if (!get) {
                    return notAllowed(response, callback, "scep", "GET, HEAD");
                }
                return bytes(response, callback, "scep", "application/x-x509-ca-ra-cert", service.caCertificates());
            }
            case "PKIOperation" -> {
                byte[] message;
                if (method.equals("POST")) {
                    long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
                    int max = io.certdesk.pki.scep.ScepMessages.MAX_BYTES;
                    if (length > max) {
                        if (length <= DRAIN_LIMIT) {
                            try (var in = Content.Source.asInputStream(request)) {
                                in.transferTo(java.io.OutputStream.nullOutputStream());
                            }
                        }
                        response.getHeaders().put(HttpHeader.CONNECTION, "close");
                        return text(response, callback, "scep", 413, "A SCEP message is at most " + max + " bytes.");
                    }
                    try {
                        message = Content.Source.asByteArrayAsync(request, max + 1)
                                .get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        response.getHeaders().put(HttpHeader.CONNECTION, "close");
                        return text(response, callback, "scep", 413, "A SCEP message is at most " + max + " bytes.");
                    }
                } else if (get) {
                    String raw = queryValue(query, "message");
                    message = raw == null || raw.isEmpty() ? new byte[0] : fromBase64(raw.replace(' ', '+'));
                } else {
                    return notAllowed(response, callback, "scep", "GET, POST");
                }
                byte[] answer;
                try {
                    answer = service.operate(account, message);
                } catch (io.certdesk.pki.PkiException e) {
                    return text(
                            response,
                            callback,
                            "scep",
                            e.error() == io.certdesk.pki.PkiError.TOO_LARGE ? 413 : 400,
                            e.getMessage());
                }
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                return bytes(response, callback, "scep", "application/x-pki-message", answer);
            }
            default -> {
                return text(
                        response,
                        callback,
                        "scep",
                        400,
                        "Operation " + abbreviate(operation)
                                + " is not served: GetCACaps, GetCACert and PKIOperation are.");
            }
        }
    }

    private static String id(String path, String prefix, String suffix) {
        return path.substring(prefix.length(), path.length() - suffix.length());
    }

    /** The request of an OCSP GET: percent-decoded, then base64 (standard or URL-safe, padding optional); empty when not. */
    static byte[] fromBase64(String raw) {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return new byte[0];
                }
                decoded.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                return new byte[0];
            } else {
                decoded.write(c);
            }
        }
        String text = decoded.toString(StandardCharsets.US_ASCII)
                .replace('-', '+')
                .replace('_', '/')
                .replace("=", "");
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private boolean bytes(Response response, Callback callback, String resource, String type, byte[] body) {
        count(resource, 200);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private boolean text(Response response, Callback callback, String resource, int status, String message) {
        count(resource, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private boolean tooLarge(Response response, Callback callback) {
        return text(response, callback, "ocsp", 413, "An OCSP request is at most " + OcspQuery.MAX_BYTES + " bytes.");
    }

    private boolean notAllowed(Response response, Callback callback, String resource, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        return text(response, callback, resource, 405, "Allowed here: " + allow + ".");
    }

    private void count(String resource, int status) {
        counters.computeIfAbsent(
                        resource + " " + status,
                        k -> Counter.builder("certdesk.pki.requests")
                                .description("Requests to the plain-HTTP publications (CA certificates, CRLs, OCSP)")
                                .tag("resource", resource)
                                .tag("status", Integer.toString(status))
                                .register(registry))
                .increment();
    }

    private static String abbreviate(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }
}
