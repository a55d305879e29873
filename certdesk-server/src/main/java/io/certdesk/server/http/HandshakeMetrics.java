package io.certdesk.server.http;

import io.certdesk.server.tls.TlsChains;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.Certificate;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * TLS handshakes counted by listener and outcome ({@code account}: an account's chain was
 * presented, {@code default}: the platform's, {@code failed}), the chains held in memory, and
 * those whose key is not opened yet (after a start, until the edge's background pass).
 */
final class HandshakeMetrics {
    private final MeterRegistry registry;
    private final TlsChains chains;

    HandshakeMetrics(MeterRegistry registry, TlsChains chains) {
        this.registry = registry;
        this.chains = chains;
        registry.gauge("certdesk.tls.chains", chains, TlsChains::size);
        registry.gauge("certdesk.tls.keys.sealed", chains, TlsChains::sealedKeys);
    }

    SslHandshakeListener listener(String listener) {
        Counter account = counter(listener, "account");
        Counter platform = counter(listener, "default");
        Counter failed = counter(listener, "failed");
        return new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                Certificate[] presented = event.getSSLEngine().getSession().getLocalCertificates();
                (presented != null && presented.length > 0 && !chains.isPlatformLeaf(presented[0]) ? account : platform)
                        .increment();
            }

            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                failed.increment();
            }
        };
    }

    private Counter counter(String listener, String outcome) {
        return Counter.builder("certdesk.tls.handshakes")
                .description("TLS handshakes by the chain presented, or failed")
                .tag("listener", listener)
                .tag("outcome", outcome)
                .register(registry);
    }
}
