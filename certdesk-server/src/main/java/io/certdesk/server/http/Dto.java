package io.certdesk.server.http;

import java.time.Instant;
import java.util.List;

import io.certdesk.server.access.User;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditEntry;

/** The JSON shapes of requests and responses; the API's contract, apart from the domain records. */
final class Dto {
    private Dto() {
    }

    record CreateAccount(String name, String type, String parentId) {
    }

    record SetDomains(List<String> domains) {
    }

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
            return new AccountJson(a.id(), a.name(), a.type().name(), a.parentId().orElse(null), a.domains(), a.createdAt());
        }
    }

    record AccountList(List<AccountJson> accounts) {
    }

    record DomainList(List<String> domains) {
    }

    record SessionJson(String token, Instant expiresAt) {
    }

    record UserJson(String id, String username, String role, String accountId, Instant createdAt) {
        static UserJson of(User u) {
            return new UserJson(u.id(), u.username(), u.role().name(), u.accountId().orElse(null), u.createdAt());
        }
    }

    record UserList(List<UserJson> users) {
    }

    record Me(String userId, String username, String role, String accountId) {
    }

    record AuditJson(long id, Instant occurredAt, String actor, String accountId, String action, String detail, String requestId) {
        static AuditJson of(AuditEntry e) {
            return new AuditJson(e.id(), e.occurredAt(), e.actor(), e.accountId().orElse(null), e.action().name(), e.detail(),
                    e.requestId().orElse(null));
        }
    }

    record AuditList(List<AuditJson> entries, Long nextBefore) {
    }

    record Health(String status) {
    }

    record CertificateJson(String id, String subject, String issuer, String serialNumber, Instant notBefore, Instant notAfter,
                           String sha256, boolean isCa, String keyAlgorithm, int keySize, String signatureAlgorithm, boolean selfSigned) {
        static CertificateJson of(io.certdesk.server.certs.TrustedCa ca) {
            var i = ca.info();
            return new CertificateJson(ca.id(), i.subject(), i.issuer(), i.serialNumber(), i.notBefore(), i.notAfter(), i.sha256(),
                    i.isCa(), i.keyAlgorithm(), i.keySize(), i.signatureAlgorithm(), i.selfSigned());
        }
    }

    record SkippedJson(String sha256, String code) {
    }

    record WarningJson(String sha256, String code, String message) {
        static WarningJson of(io.certdesk.pki.imports.ImportWarning w) {
            return new WarningJson(w.sha256(), w.code().code(), w.message());
        }
    }

    record TrustedCaImport(List<CertificateJson> imported, List<SkippedJson> skipped, List<WarningJson> warnings) {
    }

    record CertificateList(List<CertificateJson> certificates, String next) {
    }
}
