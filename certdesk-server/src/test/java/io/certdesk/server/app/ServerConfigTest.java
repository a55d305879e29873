package io.certdesk.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerConfigTest {
    @Test
    void aPublicUrlIsAnHttpsOriginWithoutTrailingSlash() {
        assertThat(ServerConfig.checkedPublicUrl("https://certs.example.com/")).isEqualTo("https://certs.example.com");
        assertThat(ServerConfig.checkedPublicUrl("https://certs.example.com:8443"))
                .isEqualTo("https://certs.example.com:8443");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://certs.example.com",
                "https://certs.example.com/api",
                "https://certs.example.com?x=1",
                "certs.example.com",
                "https://user@certs.example.com",
                "https://"
            })
    void anythingElseIsRefusedSayingWhatIsExpected(String url) {
        assertThatThrownBy(() -> ServerConfig.checkedPublicUrl(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--public-url");
    }

    @Test
    void aPkiUrlIsAnHttpOriginWithoutTrailingSlash() {
        assertThat(ServerConfig.checkedPkiUrl("http://pki.example.com/")).isEqualTo("http://pki.example.com");
        assertThat(ServerConfig.checkedPkiUrl("http://pki.example.com:8080")).isEqualTo("http://pki.example.com:8080");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://pki.example.com",
                "http://pki.example.com/pki",
                "http://pki.example.com?x=1",
                "pki.example.com",
                "http://user@pki.example.com"
            })
    void aPkiUrlOtherThanPlainHttpIsRefusedSayingWhy(String url) {
        assertThatThrownBy(() -> ServerConfig.checkedPkiUrl(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pki-url")
                .hasMessageContaining("plain HTTP");
    }
}
