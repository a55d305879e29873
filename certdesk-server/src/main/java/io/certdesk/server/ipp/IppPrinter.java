package io.certdesk.server.ipp;

import io.certdesk.server.ipp.IppMessage.Group;
import io.certdesk.server.ipp.IppMessage.ValueTag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal IPP printer (RFC 8011) at {@code /ipp/print} on the IPPS listener: it exists so a
 * real IPP client proves that printing over TLS works with an account's certificate. It answers
 * Get-Printer-Attributes, Validate-Job and Print-Job; a printed document is read, counted and
 * discarded (at most {@link #MAX_DOCUMENT_BYTES}).
 */
public final class IppPrinter {
    public static final String PATH = "/ipp/print";
    public static final long MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;
    static final int PRINT_JOB = 0x0002;
    static final int VALIDATE_JOB = 0x0004;
    static final int GET_PRINTER_ATTRIBUTES = 0x000B;
    static final int SUCCESSFUL_OK = 0x0000;
    static final int BAD_REQUEST = 0x0400;
    static final int REQUEST_ENTITY_TOO_LARGE = 0x0409;
    static final int DOCUMENT_FORMAT_NOT_SUPPORTED = 0x040A;
    static final int OPERATION_NOT_SUPPORTED = 0x0501;
    static final int VERSION_NOT_SUPPORTED = 0x0503;
    private static final Set<String> FORMATS = Set.of(
            "application/octet-stream", "application/pdf", "image/jpeg", "image/pwg-raster", "image/urf", "text/plain");

    private final Clock clock;
    private final Instant started;
    private final AtomicInteger jobs = new AtomicInteger();
    private final AtomicLong documentBytes = new AtomicLong();

    public IppPrinter(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /**
     * Answers one request read from {@code body}; {@code printerUri} is the URI the client used
     * (ipps://host:port/ipp/print).
     */
    public byte[] handle(InputStream body, String printerUri) throws IOException {
        IppMessage.Request request;
        try {
            request = IppMessage.read(body);
        } catch (IppMessage.MalformedException e) {
            return status(1, 1, BAD_REQUEST, 0, e.getMessage());
        }
        // the URI the client addressed (the name its TLS handshake asked for), else the request's Host
        printerUri = request.attribute("printer-uri")
                .flatMap(IppMessage.Attribute::text)
                .filter(u -> u.startsWith("ipps://"))
                .orElse(printerUri);
        int major = request.major() >= 2 ? 2 : 1;
        int minor = major == 2 ? 0 : 1;
        if (request.major() < 1 || request.major() > 2) {
            return status(1, 1, VERSION_NOT_SUPPORTED, request.requestId(), "IPP/1.1 and IPP/2.0 are supported");
        }
        return switch (request.operation()) {
            case GET_PRINTER_ATTRIBUTES -> printerAttributes(request, major, minor, printerUri);
            case VALIDATE_JOB ->
                formatSupported(request)
                        ? status(major, minor, SUCCESSFUL_OK, request.requestId(), "successful-ok")
                        : status(
                                major,
                                minor,
                                DOCUMENT_FORMAT_NOT_SUPPORTED,
                                request.requestId(),
                                "document-format not supported");
            case PRINT_JOB -> print(request, body, major, minor, printerUri);
            default -> status(major, minor, OPERATION_NOT_SUPPORTED, request.requestId(), "operation not supported");
        };
    }

    private boolean formatSupported(IppMessage.Request request) {
        return request.attribute("document-format")
                .flatMap(IppMessage.Attribute::text)
                .map(FORMATS::contains)
                .orElse(true);
    }

    private byte[] print(IppMessage.Request request, InputStream document, int major, int minor, String printerUri)
            throws IOException {
        if (!formatSupported(request)) {
            document.transferTo(OutputStream.nullOutputStream());
            return status(
                    major, minor, DOCUMENT_FORMAT_NOT_SUPPORTED, request.requestId(), "document-format not supported");
        }
        long read = 0;
        byte[] buffer = new byte[16 * 1024];
        for (int n; (n = document.read(buffer)) > 0; ) {
            read += n;
            if (read > MAX_DOCUMENT_BYTES) {
                return status(
                        major, minor, REQUEST_ENTITY_TOO_LARGE, request.requestId(), "documents are limited to 16 MiB");
            }
        }
        documentBytes.addAndGet(read);
        int job = jobs.incrementAndGet();
        return operationGroup(
                        new IppMessage.Response(major, minor, SUCCESSFUL_OK, request.requestId()), "successful-ok")
                .group(Group.JOB)
                .addInts(ValueTag.INTEGER, "job-id", job)
                .add(ValueTag.URI, "job-uri", printerUri + "/jobs/" + job)
                .addInts(ValueTag.ENUM, "job-state", 9) // completed: the document was read and discarded
                .add(ValueTag.KEYWORD, "job-state-reasons", "job-completed-successfully")
                .toBytes();
    }

    private byte[] printerAttributes(IppMessage.Request request, int major, int minor, String printerUri) {
        Map<String, Object> a4 = new LinkedHashMap<>();
        a4.put("x-dimension", 21000);
        a4.put("y-dimension", 29700);
        Map<String, Object> mediaCol = new LinkedHashMap<>();
        mediaCol.put("media-size", a4);
        return operationGroup(
                        new IppMessage.Response(major, minor, SUCCESSFUL_OK, request.requestId()), "successful-ok")
                .group(Group.PRINTER)
                .add(ValueTag.URI, "printer-uri-supported", printerUri)
                .add(ValueTag.KEYWORD, "uri-security-supported", "tls")
                .add(ValueTag.KEYWORD, "uri-authentication-supported", "none")
                .add(ValueTag.NAME, "printer-name", "certdesk")
                .add(ValueTag.TEXT, "printer-info", "Certdesk IPPS endpoint (documents are read and discarded)")
                .add(ValueTag.TEXT, "printer-location", "loopback")
                .add(ValueTag.TEXT, "printer-make-and-model", "Certdesk IPP over TLS check")
                .add(ValueTag.URI, "printer-more-info", printerUri.replaceFirst("^ipps://", "https://"))
                .addInts(ValueTag.ENUM, "printer-state", 3) // idle
                .add(ValueTag.KEYWORD, "printer-state-reasons", "none")
                .addBoolean("printer-is-accepting-jobs", true)
                .addInts(ValueTag.INTEGER, "queued-job-count", 0)
                .addInts(ValueTag.INTEGER, "printer-up-time", (int)
                        Math.max(1, Duration.between(started, clock.instant()).toSeconds()))
                .add(ValueTag.KEYWORD, "ipp-versions-supported", "1.1", "2.0")
                .addInts(ValueTag.ENUM, "operations-supported", PRINT_JOB, VALIDATE_JOB, GET_PRINTER_ATTRIBUTES)
                .add(ValueTag.CHARSET, "charset-configured", "utf-8")
                .add(ValueTag.CHARSET, "charset-supported", "utf-8")
                .add(ValueTag.NATURAL_LANGUAGE, "natural-language-configured", "en")
                .add(ValueTag.NATURAL_LANGUAGE, "generated-natural-language-supported", "en")
                .add(ValueTag.MIME_MEDIA_TYPE, "document-format-default", "application/octet-stream")
                .add(
                        ValueTag.MIME_MEDIA_TYPE,
                        "document-format-supported",
                        FORMATS.stream().sorted().toArray(String[]::new))
                .add(ValueTag.KEYWORD, "compression-supported", "none")
                .add(ValueTag.KEYWORD, "pdl-override-supported", "attempted")
                .add(ValueTag.KEYWORD, "media-default", "iso_a4_210x297mm")
                .add(ValueTag.KEYWORD, "media-supported", "iso_a4_210x297mm", "na_letter_8.5x11in")
                .addCollection("media-col-default", mediaCol)
                .toBytes();
    }

    private static IppMessage.Response operationGroup(IppMessage.Response response, String message) {
        return response.group(Group.OPERATION)
                .add(ValueTag.CHARSET, "attributes-charset", "utf-8")
                .add(ValueTag.NATURAL_LANGUAGE, "attributes-natural-language", "en")
                .add(ValueTag.TEXT, "status-message", message);
    }

    private static byte[] status(int major, int minor, int status, int requestId, String message) {
        return operationGroup(new IppMessage.Response(major, minor, status, requestId), message)
                .toBytes();
    }

    /** Jobs printed since start. */
    public int jobs() {
        return jobs.get();
    }

    /** Document bytes read (and discarded) since start. */
    public long documentBytes() {
        return documentBytes.get();
    }
}
