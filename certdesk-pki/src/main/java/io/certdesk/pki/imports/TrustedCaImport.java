package io.certdesk.pki.imports;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.codec.CertificateFiles;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of importing trusted CA certificates: every certificate of the file is read, an
 * expired one refuses the whole file, one the account already has is skipped, a non-CA is
 * accepted with a warning.
 */
public final class TrustedCaImport {
    static final Duration EXPIRES_SOON = Duration.ofDays(30);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private TrustedCaImport() {}

    /** One certificate to store, with what was read from it. */
    public record Accepted(X509Certificate certificate, CertificateInfo info) {}

    /** What an import does: certificates to store, ones skipped (with a code) and warnings. */
    public record Result(List<Accepted> imported, List<Skipped> skipped, List<ImportWarning> warnings) {}

    /** A certificate that was not imported, and why (a stable code). */
    public record Skipped(String sha256, SkipReason code) {}

    private static CertificateInfo info(X509Certificate certificate) {
        try {
            return CertificateInfo.of(certificate);
        } catch (RuntimeException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE, "A certificate in the file is damaged and cannot be described.", e);
        }
    }

    /**
     * Evaluates a file against the account's existing certificates.
     *
     * @param alreadyImported SHA-256 (lower-case hex) of the certificates the account holds
     * @throws PkiException the refusals of {@link CertificateFiles#readCertificates}, and
     *                      {@link PkiError#EXPIRED} when any certificate has expired at {@code now}
     */
    public static Result evaluate(byte[] file, Set<String> alreadyImported, Instant now) {
        Map<String, Accepted> unique = new LinkedHashMap<>();
        for (X509Certificate certificate : CertificateFiles.readCertificates(file)) {
            CertificateInfo info = info(certificate);
            if (info.notAfter().isBefore(now)) {
                throw new PkiException(
                        PkiError.EXPIRED,
                        "The certificate '" + info.subject() + "' expired on " + DAY.format(info.notAfter())
                                + "; remove it from the file or import its renewed version. Nothing was imported.");
            }
            unique.putIfAbsent(info.sha256(), new Accepted(certificate, info));
        }
        List<Accepted> imported = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<ImportWarning> warnings = new ArrayList<>();
        for (Accepted accepted : unique.values()) {
            CertificateInfo info = accepted.info();
            if (alreadyImported.contains(info.sha256())) {
                skipped.add(new Skipped(info.sha256(), SkipReason.ALREADY_IMPORTED));
                continue;
            }
            imported.add(accepted);
            if (!info.isCa()) {
                warnings.add(
                        new ImportWarning(
                                info.sha256(),
                                WarningCode.NOT_CA,
                                "'" + info.subject()
                                        + "' is not a CA certificate: it trusts only that one server, not the certificates a CA issues."));
            }
            if (info.notAfter().isBefore(now.plus(EXPIRES_SOON))) {
                warnings.add(new ImportWarning(
                        info.sha256(),
                        WarningCode.EXPIRES_SOON,
                        "'" + info.subject() + "' expires on " + DAY.format(info.notAfter()) + ", in less than "
                                + EXPIRES_SOON.toDays() + " days."));
            }
            if (info.notBefore().isAfter(now)) {
                warnings.add(new ImportWarning(
                        info.sha256(),
                        WarningCode.NOT_YET_VALID,
                        "'" + info.subject() + "' is valid only from " + DAY.format(info.notBefore()) + "."));
            }
        }
        return new Result(imported, skipped, warnings);
    }
}
