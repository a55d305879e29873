package io.certdesk.pki.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.tls.ClientHello.KeyKind;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** A client's first flight, as the JDK's own TLS client writes it, read for certificate choice. */
class ClientHelloTest {

    /** The bytes a JDK client sends first. */
    private static ByteBuffer firstFlight(String serverName, String[] protocols, String[] suites) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(serverName, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        parameters.setProtocols(protocols);
        if (suites != null) {
            parameters.setCipherSuites(suites);
        }
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return out.flip();
    }

    @Test
    void aTls13HelloGivesItsNameAndBothKeyKindsInTheClientsOrder() throws Exception {
        ByteBuffer bytes = firstFlight("print.acme.test", new String[] {"TLSv1.3", "TLSv1.2"}, null);
        int position = bytes.position();
        ClientHello.Read read = ClientHello.read(bytes);
        assertThat(bytes.position()).as("the buffer is not moved").isEqualTo(position);
        assertThat(read.wantsMore()).isFalse();
        ClientHello hello = read.hello().orElseThrow();
        assertThat(hello.serverName()).contains("print.acme.test");
        assertThat(hello.offersTls13()).isTrue();
        assertThat(hello.verifiableKeyKinds())
                .containsExactly(KeyKind.ECDSA, KeyKind.RSA); // the JDK lists ECDSA schemes first
    }

    @Test
    void aTls12ClientWithOnlyRsaSuitesCanVerifyOnlyRsa() throws Exception {
        ByteBuffer bytes = firstFlight("old-printer.acme.test", new String[] {"TLSv1.2"}, new String[] {
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        });
        ClientHello hello = ClientHello.read(bytes).hello().orElseThrow();
        assertThat(hello.offersTls13()).isFalse();
        assertThat(hello.verifiableKeyKinds()).containsExactly(KeyKind.RSA);
    }

    @Test
    void aHelloWithoutSniHasNoServerName() throws Exception {
        ClientHello hello = ClientHello.read(firstFlight(null, new String[] {"TLSv1.3"}, null))
                .hello()
                .orElseThrow();
        assertThat(hello.serverName()).isEmpty();
    }

    @Test
    void aHelloSplitAcrossRecordsIsJoinedAndAPartialOneAsksForMore() throws Exception {
        ByteBuffer whole = firstFlight("split.acme.test", new String[] {"TLSv1.3", "TLSv1.2"}, null);
        byte[] record = new byte[whole.remaining()];
        whole.get(record);
        byte[] body = Arrays.copyOfRange(record, 5, record.length);
        int cut = 40;
        ByteBuffer split = ByteBuffer.allocate(body.length + 10);
        split.put(new byte[] {22, 3, 1, 0, (byte) cut}).put(body, 0, cut);
        split.put(new byte[] {22, 3, 3, (byte) ((body.length - cut) >> 8), (byte) (body.length - cut)})
                .put(body, cut, body.length - cut);
        split.flip();

        assertThat(ClientHello.read(split).hello().orElseThrow().serverName()).contains("split.acme.test");
        for (int length : new int[] {0, 3, 5 + cut, split.limit() - 1}) {
            ClientHello.Read partial = ClientHello.read(split.duplicate().limit(length));
            assertThat(partial.wantsMore()).as("%d bytes", length).isTrue();
            assertThat(partial.hello()).isEmpty();
        }
    }

    @Test
    void bytesThatAreNotAHelloAreRefusedAtOnce() throws Exception {
        assertThat(ClientHello.read(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes()))
                        .wantsMore())
                .isFalse();
        ByteBuffer hello = firstFlight("x.acme.test", new String[] {"TLSv1.3"}, null);
        byte[] bytes = new byte[hello.remaining()];
        hello.get(bytes);
        bytes[5 + 4 + 2 + 32] = (byte) 0xff; // a session id length running past the message
        ClientHello.Read broken = ClientHello.read(ByteBuffer.wrap(bytes));
        assertThat(broken.wantsMore()).isFalse();
        assertThat(broken.hello()).isEmpty();
    }

    @Test
    void schemeListsDecideWhatATls13ClientCanVerify() {
        var rsaPkcs1Only = new ClientHello(java.util.Optional.empty(), List.of(0x0401, 0x0501), List.of(0x1301), true);
        assertThat(rsaPkcs1Only.verifiableKeyKinds())
                .as("PKCS#1 signatures are not allowed in TLS 1.3")
                .isEmpty();
        var rsaFirst = new ClientHello(java.util.Optional.empty(), List.of(0x0804, 0x0403), List.of(0x1301), true);
        assertThat(rsaFirst.verifiableKeyKinds()).containsExactly(KeyKind.RSA, KeyKind.ECDSA);
        var tls12NoSchemes = new ClientHello(java.util.Optional.empty(), List.of(), List.of(0xC02F, 0xC02B), false);
        assertThat(tls12NoSchemes.verifiableKeyKinds()).containsExactly(KeyKind.RSA, KeyKind.ECDSA);
    }
}
