package io.certdesk.server.tls;

import io.certdesk.pki.tls.ClientHello;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Reads each client's hello from the bytes on their way into the TLS engine, and holds it for the
 * key manager whenever the engine handles that connection's bytes on this thread, until the
 * handshake is over (after a HelloRetryRequest the engine may choose on the second hello).
 * BoringSSL (Conscrypt) neither
 * reports the client's signature algorithms nor lets the key manager answer per key type, so
 * {@link SniKeyManager} chooses from this instead; JSSE does not need it.
 */
public final class HelloReading {
    private static final ThreadLocal<Handshake> CURRENT = new ThreadLocal<>();

    private HelloReading() {}

    /** The hello of the handshake the engine is handling on this thread, with the choice once made. */
    static Optional<Handshake> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** One handshake's hello and, once the key manager chose, its choice. */
    static final class Handshake {
        final ClientHello hello;
        Optional<TlsIndex.Selection> chosen;

        Handshake(ClientHello hello) {
            this.hello = hello;
        }
    }

    /** Jetty's TLS connection factory, making connections that read the hello. */
    public static SslConnectionFactory connectionFactory(
            SslContextFactory.Server tls, String nextProtocol, TlsChains chains) {
        return new SslConnectionFactory(tls, nextProtocol) {
            @Override
            protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
                return new Reading(
                        connector.getByteBufferPool(),
                        connector.getExecutor(),
                        getSslContextFactory(),
                        endPoint,
                        engine,
                        isDirectBuffersForEncryption(),
                        isDirectBuffersForDecryption(),
                        chains);
            }
        };
    }

    private static final class Reading extends SslConnection {
        /** The bytes the engine took before the hello was complete (rarely any: it comes in one read). */
        private ByteBuffer taken = ByteBuffer.allocate(0);

        private boolean reading = true;
        /** The hello read, while its handshake lasts. */
        private Handshake handshake;

        private final TlsChains chains;

        Reading(
                ByteBufferPool pool,
                Executor executor,
                SslContextFactory factory,
                EndPoint endPoint,
                SSLEngine engine,
                boolean directEncrypt,
                boolean directDecrypt,
                TlsChains chains) {
            super(pool, executor, factory, endPoint, engine, directEncrypt, directDecrypt);
            this.chains = chains;
        }

        @Override
        protected SSLEngineResult unwrap(SSLEngine engine, ByteBuffer input, ByteBuffer output) throws SSLException {
            int before = input.position();
            if (reading) {
                ClientHello.Read read = ClientHello.read(taken.hasRemaining() ? joined(input) : input);
                reading = read.wantsMore();
                if (!reading) {
                    taken = ByteBuffer.allocate(0);
                }
                read.hello().ifPresent(hello -> {
                    handshake = new Handshake(hello);
                    chains.prepare(handshake, engine);
                });
            }
            if (handshake == null) {
                SSLEngineResult result = super.unwrap(engine, input, output);
                if (reading) {
                    keepTaken(input, before);
                }
                return result;
            }
            // held until the handshake is over: after a HelloRetryRequest the engine may choose on the second hello
            CURRENT.set(handshake);
            try {
                return super.unwrap(engine, input, output);
            } finally {
                CURRENT.remove();
                if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                    handshake = null;
                }
            }
        }

        private ByteBuffer joined(ByteBuffer input) {
            return ByteBuffer.allocate(taken.remaining() + input.remaining())
                    .put(taken.duplicate())
                    .put(input.duplicate())
                    .flip();
        }

        private void keepTaken(ByteBuffer input, int before) {
            int consumed = input.position() - before;
            if (taken.remaining() + consumed > ClientHello.MAX_BYTES) {
                reading = false;
                taken = ByteBuffer.allocate(0);
                return;
            }
            if (consumed > 0) {
                taken = ByteBuffer.allocate(taken.remaining() + consumed)
                        .put(taken)
                        .put(input.duplicate().position(before).limit(before + consumed))
                        .flip();
            }
        }
    }
}
