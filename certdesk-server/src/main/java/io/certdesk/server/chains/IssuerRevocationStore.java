package io.certdesk.server.chains;

import io.certdesk.server.store.Database;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** SQL for imported chains their own CA reports revoked. */
public final class IssuerRevocationStore {
    /**
     * When the chain's CA says it was revoked and why (its RFC 5280 reason name), and when the
     * edge learnt it from {@code responderUrl}.
     */
    public record IssuerRevocation(Instant revokedAt, String reason, Instant detectedAt, String responderUrl) {}

    /** Records it; false when it was recorded already (by this node or another). */
    public boolean record(Handle h, String chainId, String accountId, IssuerRevocation revocation) {
        return h.createUpdate(
                                "INSERT INTO issuer_revocations (chain_id, account_id, revoked_at, reason, detected_at, responder_url)"
                                        + " SELECT :c, :a, :r, :reason, :d, :url WHERE NOT EXISTS"
                                        + " (SELECT 1 FROM issuer_revocations WHERE chain_id = :c)"
                                        + " AND EXISTS (SELECT 1 FROM private_chains WHERE id = :c)")
                        .bind("c", chainId)
                        .bind("a", accountId)
                        .bind("r", Database.utc(revocation.revokedAt()))
                        .bind("reason", revocation.reason())
                        .bind("d", Database.utc(revocation.detectedAt()))
                        .bind("url", revocation.responderUrl())
                        .execute()
                == 1;
    }

    /** The account's chains their CA revoked, by chain id. */
    public Map<String, IssuerRevocation> ofAccount(Handle h, String accountId) {
        return h
                .createQuery(
                        "SELECT chain_id, revoked_at, reason, detected_at, responder_url FROM issuer_revocations WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> Map.entry(
                        rs.getString(1),
                        new IssuerRevocation(
                                Database.instant(rs, 2), rs.getString(3), Database.instant(rs, 4), rs.getString(5))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
