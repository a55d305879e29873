package io.certdesk.server.store;

/** The databases Certdesk runs on. */
public enum DatabaseKind {
    H2,
    POSTGRESQL;

    static DatabaseKind of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (expected jdbc:h2: or jdbc:postgresql:): "
                + jdbcUrl.replaceAll("password=[^&;]*", "password=***"));
    }
}
