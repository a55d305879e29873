package io.certdesk.server.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a subclass on H2 and on PostgreSQL, each test starting its own server (for
 * tests that restart it, move its clock or choose its CA); the server is stopped after each test.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
public abstract class FreshServerOnBothDatabases {
    @Parameter
    protected TestDatabase database;

    protected TestServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
