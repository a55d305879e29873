package io.certdesk.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.imports.IgnoredReason;
import io.certdesk.pki.imports.SkipReason;
import io.certdesk.pki.imports.WarningCode;
import io.certdesk.pki.trust.ServerCertificateCheck;
import io.certdesk.server.outbound.CheckFailure;
import io.certdesk.server.token.OAuthError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code a client can see is an enum value, and the README and the API description name
 * each of them; the README's list of problem codes names nothing else.
 */
class CodeCatalogueTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path OPENAPI = Path.of("..", "docs", "api", "openapi.yaml");
    private static final Pattern CODE = Pattern.compile("`([a-z]+(?:_[a-z]+)+)`");

    /** The codes that leave in answers: problem codes, check codes, warnings, reasons, OAuth errors. */
    static Set<String> catalogue() {
        Set<String> codes = new LinkedHashSet<>();
        codes.addAll(codes(ErrorCode.values(), ErrorCode::code));
        codes.addAll(codes(
                Arrays.stream(PkiError.values()).filter(CodeCatalogueTest::sent).toArray(PkiError[]::new),
                PkiError::code));
        codes.addAll(codes(CheckFailure.values(), CheckFailure::code));
        codes.addAll(codes(ServerCertificateCheck.Failure.values(), ServerCertificateCheck.Failure::code));
        codes.addAll(codes(WarningCode.values(), WarningCode::code));
        codes.addAll(codes(IgnoredReason.values(), IgnoredReason::code));
        codes.addAll(codes(SkipReason.values(), SkipReason::code));
        codes.addAll(codes(OAuthError.values(), OAuthError::code));
        return codes;
    }

    /** Server faults leave as internal_error; an invalid domain name as validation_failed naming the names. */
    private static boolean sent(PkiError error) {
        return error.fault() == PkiError.Fault.INPUT && error != PkiError.INVALID_DOMAIN_NAME;
    }

    @Test
    void theReadmeNamesEveryCodeAClientCanSee() throws Exception {
        String readme = Files.readString(README);
        for (String code : catalogue()) {
            assertThat(readme).as("README.md names `%s`", code).contains("`" + code + "`");
        }
    }

    @Test
    void theApiDescriptionNamesEveryCodeAClientCanSee() throws Exception {
        String description = Files.readString(OPENAPI);
        for (String code : catalogue()) {
            assertThat(description).as("openapi.yaml names %s", code).containsPattern("\\b" + code + "\\b");
        }
    }

    @Test
    void theReadmesListOfProblemCodesNamesOnlyCodesTheServerSends() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("## Errors");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Set<String> known = catalogue();
        Matcher m = CODE.matcher(section);
        while (m.find()) {
            assertThat(known)
                    .as("`%s` in the README's Errors section is a code the server sends", m.group(1))
                    .contains(m.group(1));
        }
    }

    private static <E> List<String> codes(E[] values, Function<E, String> code) {
        return Stream.of(values).map(code).toList();
    }
}
