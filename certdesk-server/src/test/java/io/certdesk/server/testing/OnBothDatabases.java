package io.certdesk.server.testing;

import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a subclass twice, against a server on H2 and against one on PostgreSQL.
 * One server per database serves all tests of the class; tests create their own accounts.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
public abstract class OnBothDatabases {
    @Parameter
    protected TestDatabase database;

    protected static TestServer server;

    @BeforeParameterizedClassInvocation
    static void startServer(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
        server = null;
    }
}
