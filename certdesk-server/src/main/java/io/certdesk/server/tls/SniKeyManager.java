package io.certdesk.server.tls;

import io.certdesk.pki.tls.ClientHello;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents, for each handshake, the chain {@link TlsIndex} selects for the host name the client
 * asked for (SNI) and the key types it can verify. JSSE asks once per key type the client and
 * the cipher suites allow; each answer is the selection for that key type, or none.
 *
 * <p>Where the engine's client hello was read on its way in ({@link HelloReading}: BoringSSL,
 * which asks for every key type the server's cipher suites allow and keeps the last chain it is
 * given), the chain is chosen once from that hello, and given only when asked for its key type.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    private final TlsIndex index;
    private final Clock clock;

    SniKeyManager(TlsIndex index, Clock clock) {
        this.index = index;
        this.clock = clock;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    private String choose(String keyType, SSLSession session) {
        Optional<HelloReading.Handshake> read = HelloReading.current();
        if (read.isPresent()) {
            HelloReading.Handshake handshake = read.get();
            if (handshake.chosen == null) {
                handshake.chosen =
                        index.selectFirst(handshake.hello.serverName(), keyTypes(handshake.hello), clock.instant());
            }
            return handshake
                    .chosen
                    .filter(s -> s.chain().keyType().equals(keyType))
                    .map(s -> s.chain().id())
                    .orElse(null);
        }
        Optional<String> serverName = Optional.empty();
        TlsIndex.ClientKeyTypes client = TlsIndex.ClientKeyTypes.EC_AND_RSA;
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    serverName = Optional.of(((SNIHostName) name).getAsciiName());
                }
            }
            client = TlsIndex.ClientKeyTypes.of(extended.getPeerSupportedSignatureAlgorithms());
        }
        return index.select(serverName, client, clock.instant(), keyType)
                .map(selection -> selection.chain().id())
                .orElse(null);
    }

    /** The JSSE key types the client can verify, most preferred first. */
    static List<String> keyTypes(ClientHello hello) {
        return hello.verifiableKeyKinds().stream()
                .map(kind -> kind == ClientHello.KeyKind.ECDSA ? "EC" : "RSA")
                .toList();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return index.byAlias(alias).map(ServedChain::certificates).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return index.byAlias(alias).map(chain -> chain.key().get()).orElse(null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // not enumerable: chosen per handshake
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
