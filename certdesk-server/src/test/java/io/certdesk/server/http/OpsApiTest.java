package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.OnBothDatabases;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class OpsApiTest extends OnBothDatabases {

    @Test
    void thePlatformCaIsDownloadableWithoutSigningInAsPemAndDer() throws Exception {
        var pem = server.anonymous().get("/api/v1/platform/ca.pem").assertStatus(200);
        assertThat(pem.header("Content-Type")).startsWith("application/x-pem-file");
        assertThat(pem.text()).startsWith("-----BEGIN CERTIFICATE-----\n");
        var der = server.anonymous().get("/api/v1/platform/ca.der").assertStatus(200);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate fromPem = (X509Certificate)
                cf.generateCertificate(new ByteArrayInputStream(pem.raw().body()));
        X509Certificate fromDer = (X509Certificate)
                cf.generateCertificate(new ByteArrayInputStream(der.raw().body()));
        assertThat(fromPem)
                .isEqualTo(fromDer)
                .isEqualTo(server.server().platformCa().root());
        assertThat(fromPem.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(fromPem.getSubjectX500Principal()).isEqualTo(fromPem.getIssuerX500Principal());
    }

    @Test
    void healthReadinessAndMetricsAnswer() {
        server.anonymous().get("/healthz").assertStatus(200);
        assertThat(server.anonymous()
                        .get("/readyz")
                        .assertStatus(200)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("ready");
        var metrics = server.anonymous().get("/metrics").assertStatus(200);
        assertThat(metrics.text())
                .contains("http_server_requests_seconds_count")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void theServerSpeaksOnlyModernTls() throws Exception {
        javax.net.ssl.SSLContext tls10 = javax.net.ssl.SSLContext.getInstance("TLS");
        tls10.init(null, new javax.net.ssl.TrustManager[] {trustAll()}, null);
        try (var socket = (javax.net.ssl.SSLSocket) tls10.getSocketFactory()
                .createSocket("127.0.0.1", server.server().httpsPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            org.assertj.core.api.Assertions.assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private static javax.net.ssl.X509TrustManager trustAll() {
        return new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
