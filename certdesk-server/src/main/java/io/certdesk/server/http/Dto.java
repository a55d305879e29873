package io.certdesk.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.imports.ImportWarning;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditEntry;
import io.certdesk.server.chains.ChainRenewal;
import io.certdesk.server.chains.LifecycleSettings;
import io.certdesk.server.chains.PkiSettings;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.tls.ChainUse;
import io.certdesk.server.token.ApiClient;
import io.certdesk.server.token.ApiClientService;
import io.certdesk.server.trust.TrustedCa;
import io.certdesk.server.trust.TrustedCaService;
import io.certdesk.server.users.User;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of requests and responses; the API's contract, apart from the domain records. */
final class Dto {
    private Dto() {}

    record CreateAccount(String name, String type, String parentId) {}

    record SetDomains(List<String> domains) {}

    record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + "]";
        }
    }

    record CreateUser(String username, String password) {
        @Override
        public String toString() {
            return "CreateUser[" + username + "]";
        }
    }

    record AccountJson(String id, String name, String type, String parentId, List<String> domains, Instant createdAt) {
        static AccountJson of(Account a) {
            return new AccountJson(
                    a.id(), a.name(), a.type().name(), a.parentId().orElse(null), a.domains(), a.createdAt());
        }
    }

    record AccountList(List<AccountJson> accounts, String next) {}

    record DomainList(List<String> domains) {}

    record SessionJson(String token, Instant expiresAt) {}

    record UserJson(String id, String username, String role, String accountId, Instant createdAt) {
        static UserJson of(User u) {
            return new UserJson(
                    u.id(), u.username(), u.role().name(), u.accountId().orElse(null), u.createdAt());
        }
    }

    record UserList(List<UserJson> users) {}

    record Me(String userId, String username, String role, String accountId) {}

    record ConsoleSession(String csrfToken, Instant expiresAt, Me user) {}

    record AuditJson(
            long id,
            Instant occurredAt,
            String actor,
            String accountId,
            String action,
            String detail,
            String requestId) {
        static AuditJson of(AuditEntry e) {
            return new AuditJson(
                    e.id(),
                    e.occurredAt(),
                    e.actor(),
                    e.accountId().orElse(null),
                    e.action().name(),
                    e.detail(),
                    e.requestId().orElse(null));
        }
    }

    record AuditList(List<AuditJson> entries, Long nextBefore) {}

    record Health(String status) {}

    record CertificateJson(
            String id,
            String subject,
            String issuer,
            String serialNumber,
            Instant notBefore,
            Instant notAfter,
            String sha256,
            boolean isCa,
            String keyAlgorithm,
            int keySize,
            String signatureAlgorithm,
            boolean selfSigned) {
        static CertificateJson of(TrustedCa ca) {
            return certificate(ca.id(), ca.info());
        }
    }

    /** A trusted CA certificate: its certificate's members and whether a vendor shares it with its customers. */
    record TrustedCaJson(
            @com.fasterxml.jackson.annotation.JsonUnwrapped CertificateJson certificate, boolean shareWithCustomers) {
        static TrustedCaJson of(TrustedCa ca) {
            return new TrustedCaJson(CertificateJson.of(ca), ca.sharedWithCustomers());
        }
    }

    record TrustedCaChange(Boolean shareWithCustomers) {}

    record SkippedJson(String sha256, String code) {}

    record WarningJson(String sha256, String code, String message) {
        static WarningJson of(ImportWarning w) {
            return new WarningJson(w.sha256(), w.code().code(), w.message());
        }
    }

    record TrustedCaImport(List<TrustedCaJson> imported, List<SkippedJson> skipped, List<WarningJson> warnings) {
        static TrustedCaImport of(TrustedCaService.ImportOutcome outcome) {
            return new TrustedCaImport(
                    outcome.imported().stream().map(TrustedCaJson::of).toList(),
                    outcome.skipped().stream()
                            .map(s -> new SkippedJson(s.sha256(), s.code().code()))
                            .toList(),
                    outcome.warnings().stream().map(WarningJson::of).toList());
        }
    }

    record TrustedCaList(List<TrustedCaJson> certificates, String next) {}

    static CertificateJson certificate(String id, CertificateInfo i) {
        return new CertificateJson(
                id,
                i.subject(),
                i.issuer(),
                i.serialNumber(),
                i.notBefore(),
                i.notAfter(),
                i.sha256(),
                i.isCa(),
                i.keyAlgorithm(),
                i.keySize(),
                i.signatureAlgorithm(),
                i.selfSigned());
    }

    /** A chain; {@code covers} and {@code servedFor} say what the TLS edge (of the node answering) does with it now. */
    record ChainJson(
            String id,
            String origin,
            List<String> purposes,
            String subject,
            List<String> dnsNames,
            Instant notBefore,
            Instant notAfter,
            String keyAlgorithm,
            int keySize,
            String sha256,
            List<CertificateJson> certificates,
            Instant createdAt,
            List<String> covers,
            List<ServedJson> servedFor,
            RevocationJson revocation,
            RenewalJson renewal) {
        static ChainJson of(
                PrivateChain c,
                List<CertificateInfo> certificates,
                ChainUse use,
                java.util.Optional<io.certdesk.server.chains.ChainRevocation> revoked,
                java.util.Optional<ChainRenewal> renewal) {
            return new ChainJson(
                    c.id(),
                    c.origin().name(),
                    c.purposes().stream().map(Enum::name).sorted().toList(),
                    c.subject(),
                    c.dnsNames(),
                    c.notBefore(),
                    c.notAfter(),
                    c.keyAlgorithm(),
                    c.keySize(),
                    c.sha256(),
                    certificates.stream().map(i -> certificate(null, i)).toList(),
                    c.createdAt(),
                    use.covers(),
                    use.servedFor().stream()
                            .map(u -> new ServedJson(u.domain(), u.reason().name()))
                            .toList(),
                    revoked.map(r -> new RevocationJson(
                                    r.revokedAt(), r.reason(), r.revokedBy().name()))
                            .orElse(null),
                    renewal.map(RenewalJson::of).orElse(null));
        }
    }

    /**
     * Where a generated chain's renewal stands: when it renews by itself next (absent: it does not,
     * being off, revoked or renewed), its failures, the chain it renewed and the one that renewed it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RenewalJson(
            Instant renewAt,
            int failures,
            RenewalErrorJson lastError,
            String renewedFrom,
            String renewedBy,
            Instant renewedAt,
            Instant revokeAsSupersededAt) {
        static RenewalJson of(ChainRenewal r) {
            return new RenewalJson(
                    r.renewAt().orElse(null),
                    r.failures(),
                    r.lastErrorCode()
                            .map(code -> new RenewalErrorJson(
                                    code,
                                    r.lastError().orElse(""),
                                    r.lastFailedAt().orElse(null)))
                            .orElse(null),
                    r.renewedFrom().orElse(null),
                    r.renewedBy().orElse(null),
                    r.renewedAt().orElse(null),
                    r.retireAt().orElse(null));
        }
    }

    record RenewalErrorJson(String code, String message, Instant at) {}

    /** An account's lifecycle settings, as read and as sent back. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LifecycleSettingsJson(
            Boolean autoRenew, Integer renewAtPercent, Integer renewDaysBefore, List<Integer> expiryNoticeDays) {
        static LifecycleSettingsJson of(LifecycleSettings s) {
            return new LifecycleSettingsJson(
                    s.autoRenew(),
                    s.renewAtPercent().orElse(null),
                    s.renewDaysBefore().orElse(null),
                    s.expiryNoticeDays());
        }
    }

    /** When, why (as RFC 5280 names the reason) and by whom a certificate was revoked. */
    record RevocationJson(Instant revokedAt, String reason, String revokedBy) {
        static RevocationJson of(io.certdesk.server.ca.IssuedCertificate.Revoked r) {
            return new RevocationJson(r.at(), r.reason().rfcName(), "PLATFORM");
        }
    }

    /** A certificate the platform CA issued, as the platform admin's list of revocations shows it. */
    record IssuedCertificateJson(
            String issuerSha256,
            String serial,
            String subject,
            List<String> dnsNames,
            Instant notBefore,
            Instant notAfter,
            String issuedFor,
            String accountId,
            String chainId,
            String sha256,
            RevocationJson revocation) {
        static IssuedCertificateJson of(io.certdesk.server.ca.IssuedCertificate c) {
            return new IssuedCertificateJson(
                    c.issuerSha256(),
                    c.serial(),
                    c.subject(),
                    c.dnsNames(),
                    c.notBefore(),
                    c.notAfter(),
                    c.issuedFor().name(),
                    c.accountId().orElse(null),
                    c.chainId().orElse(null),
                    c.sha256(),
                    c.revocation().map(RevocationJson::of).orElse(null));
        }
    }

    record ServedJson(String domain, String reason) {}

    record ChainList(List<ChainJson> chains) {}

    record IgnoredJson(String subject, String sha256, String reason) {}

    record ChainImport(List<ChainJson> imported, List<IgnoredJson> ignored, List<WarningJson> warnings) {}

    record GenerateChain(String purpose, String domain, String keyType, Integer validityDays) {}

    record CreateApiClient(String name, List<String> scopes) {}

    @com.fasterxml.jackson.annotation.JsonInclude(JsonInclude.Include.NON_NULL)
    record ApiClientJson(
            String clientId,
            String clientSecret,
            String name,
            List<String> scopes,
            Instant createdAt,
            Instant secretSetAt) {
        static ApiClientJson of(ApiClient c) {
            return new ApiClientJson(c.clientId(), null, c.name(), c.scopes(), c.createdAt(), c.secretSetAt());
        }

        static ApiClientJson withSecret(ApiClientService.WithSecret w) {
            var c = w.client();
            return new ApiClientJson(c.clientId(), w.secret(), c.name(), c.scopes(), c.createdAt(), c.secretSetAt());
        }
    }

    record ApiClientList(List<ApiClientJson> clients) {}

    record PkiSettingsJson(
            String signingChainId,
            String nextSigningChainId,
            Instant activateAt,
            long tokenLifetimeSeconds,
            Map<String, String> tlsBindings,
            List<SigningKeyJson> signingKeys) {
        static PkiSettingsJson of(PkiSettings s) {
            return new PkiSettingsJson(
                    s.signingChainId().orElse(null),
                    s.next().map(n -> n.chainId()).orElse(null),
                    s.next().map(n -> n.activateAt()).orElse(null),
                    s.tokenLifetime().toSeconds(),
                    s.tlsBindings(),
                    s.signingKeys().stream()
                            .map(k -> new SigningKeyJson(
                                    k.chainId(), k.state(), k.until().orElse(null)))
                            .toList());
        }
    }

    @com.fasterxml.jackson.annotation.JsonInclude(JsonInclude.Include.NON_NULL)
    record SigningKeyJson(String chainId, PkiSettings.KeyState state, Instant until) {}

    /** The body of PUT pki-settings; the read-only members of a GET answer are accepted and ignored, so a GET can be edited and sent back. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"nextSigningChainId", "signingKeys"})
    record PkiSettingsChange(
            String signingChainId, Map<String, String> tlsBindings, Long tokenLifetimeSeconds, Instant activateAt) {}
}
