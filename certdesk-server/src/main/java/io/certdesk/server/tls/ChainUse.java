package io.certdesk.server.tls;

import java.util.List;

/**
 * What the TLS edge does with one chain of an account now: the account's domains its names
 * cover, and those it serves it for, with why. The console shows this; it never decides it.
 */
public record ChainUse(List<String> covers, List<Served> servedFor) {
    public static final ChainUse NONE = new ChainUse(List.of(), List.of());

    public ChainUse {
        covers = List.copyOf(covers);
        servedFor = List.copyOf(servedFor);
    }

    /** One domain the chain is served for, to the clients that can verify its key. */
    public record Served(String domain, Reason reason) {}

    /** Why the edge chose the chain for a domain. */
    public enum Reason {
        /** The PKI settings bind it to the domain. */
        BOUND,
        /** No binding: the newest valid chain of its key type that covers the domain (an exact name before a wildcard). */
        NEWEST_VALID,
        /** The domain is bound to a chain of the other key type: clients that cannot verify that one are served this. */
        KEY_TYPE_FALLBACK
    }
}
