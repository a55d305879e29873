package io.certdesk.pki.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNamesTest {
    @ParameterizedTest
    @CsvSource({
        "print.acme.com, print.acme.com",
        "PRINT.Acme.COM, print.acme.com",
        "'  api.acme.com ', api.acme.com",
        "bücher.example, xn--bcher-kva.example",
        "xn--bcher-kva.example, xn--bcher-kva.example",
        "a-b.c-d.example, a-b.c-d.example",
        "123.example, 123.example",
        "faß.test, xn--fa-hia.test", // non-transitional, as browsers: not fass.test
        "ςοφος.example, xn--0xaahcs.example", // final sigma kept (non-transitional)
        "ｅｘａｍｐｌｅ.com, example.com", // full-width letters map to their ASCII forms
        "xn--fa-hia.test, xn--fa-hia.test",
    })
    void namesAreStoredLowerCaseAsciiWithIdnsAsPunycode(String input, String stored) {
        assertThat(DomainNames.normalize(input)).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "*.acme.com",
                "acme.com.",
                "acme",
                "-acme.com",
                "acme-.com",
                "ac_me.com",
                "a..com",
                "10.0.0.1",
                "::1",
                "acme.com/path",
                "acme com.test",
                "0x7f.0.0.1", // its last label is a number: some tools read it as 127.0.0.1
                "a.123",
                "xn--a.test", // not punycode of anything
                "xn--zz-zzz.test", // decodes to z⦌z: a bracket, not a letter
                "i♥.test",
                "ab--cd.test", // hyphens in places 3 and 4 but not an A-label
                "a\u200Bb.test", // zero-width space
                "a\u200Db.test", // zero-width joiner outside the context it is allowed in
                "soft\u00ADhyphen.test"
            })
    void invalidNamesAreRefusedWithTheirCode(String input) {
        assertThatThrownBy(() -> DomainNames.normalize(input)).isInstanceOfSatisfying(PkiException.class, e -> {
            assertThat(e.error()).isEqualTo(PkiError.INVALID_DOMAIN_NAME);
            assertThat(e.getMessage()).contains("is not a valid domain name");
        });
    }

    @org.junit.jupiter.api.Test
    void labelsOver63AndNamesOver253CharactersAreRefused() {
        assertThatThrownBy(() -> DomainNames.normalize("x".repeat(64) + ".example"))
                .hasMessageContaining("longer than 63");
        String longName = ("a".repeat(60) + ".").repeat(4) + "example.test"; // 256 characters
        assertThatThrownBy(() -> DomainNames.normalize(longName)).isInstanceOf(PkiException.class);
        assertThat(DomainNames.normalize("x".repeat(63) + ".example")).hasSize(71);
    }

    @org.junit.jupiter.api.Test
    void theServerHostNameMayBeASingleLabel() {
        assertThat(DomainNames.normalizeHost("LocalHost")).isEqualTo("localhost");
        assertThatThrownBy(() -> DomainNames.normalize("localhost")).isInstanceOf(PkiException.class);
    }
}
