package io.certdesk.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The server's rooms and what may reach what: no package imports another that imports it back;
 * the services know nothing of HTTP or the CLI; handlers call services, never storage; the CLI is
 * a client of the API that shares nothing of the server; the core is pure.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // the PKI core's test helpers
            .importPackages("io.certdesk");

    /** Every package of the server but the HTTP layer, the CLI and the wiring in app. */
    private static final String[] SERVICES = {
        "..server.access..",
        "..server.acme..",
        "..server.backup..",
        "..server.account..",
        "..server.audit..",
        "..server.ca..",
        "..server.chains..",
        "..server.expiry..",
        "..server.ipp..",
        "..server.keys..",
        "..server.outbound..",
        "..server.requests..",
        "..server.scep..",
        "..server.store..",
        "..server.tls..",
        "..server.token..",
        "..server.trust..",
        "..server.users..",
        "..server.webhooks.."
    };

    @Test
    void noServerPackageDependsOnOneThatDependsOnIt() {
        slices().matching("io.certdesk.server.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void everyServerPackageIsCoveredByTheRules() {
        var covered = java.util.Set.of(
                "access",
                "acme",
                "account",
                "backup",
                "audit",
                "ca",
                "chains",
                "expiry",
                "ipp",
                "keys",
                "outbound",
                "requests",
                "scep",
                "store",
                "tls",
                "token",
                "trust",
                "users",
                "webhooks",
                "http",
                "cli",
                "app");
        var packages = CLASSES.stream()
                .map(c -> c.getPackageName())
                .filter(p -> p.startsWith("io.certdesk.server."))
                .map(p -> p.substring("io.certdesk.server.".length()).split("\\.")[0])
                .collect(java.util.stream.Collectors.toSet());
        org.assertj.core.api.Assertions.assertThat(covered)
                .as("a new package gets its place in these rules")
                .containsAll(packages);
    }

    @Test
    void servicesKnowNothingOfHttpOrTheCli() {
        noClasses()
                .that()
                .resideInAnyPackage(SERVICES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..server.http..", "..server.cli..", "..server.app..", "io.javalin..", "picocli..")
                .check(CLASSES);
    }

    @Test
    void httpHandlersAndTheCliNeverTouchStorage() {
        noClasses()
                .that()
                .resideInAnyPackage("..server.http..", "..server.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..server.store..", "org.jdbi..", "java.sql..")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Store")
                .check(CLASSES);
    }

    @Test
    void theCliIsAClientOfTheApiThatSharesNothingOfTheServer() {
        noClasses()
                .that()
                .resideInAPackage("..server.cli..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.certdesk.server..")
                        .and(resideOutsideOfPackage("io.certdesk.server.cli..")))
                .check(CLASSES);
    }

    @Test
    void thePkiCoreDependsOnNothingButTheJdkBouncyCastleAndIcuForHostNames() {
        // ICU: IDNA2008 as UTS #46 processes it, which the JDK (IDNA2003) does not do
        noClasses()
                .that()
                .resideInAPackage("io.certdesk.pki..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "io.certdesk.pki..", "java..", "javax..", "org.bouncycastle..", "com.ibm.icu.text..")
                .check(CLASSES);
    }
}
