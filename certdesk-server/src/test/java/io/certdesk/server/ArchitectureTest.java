package io.certdesk.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/** Dependencies point inward: handlers and the CLI call services, never storage; services know nothing of HTTP. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // the PKI core's test helpers
            .importPackages("io.certdesk");

    @Test
    void httpHandlersAndTheCliNeverTouchStorage() {
        noClasses().that().resideInAnyPackage("..server.http..", "..server.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.store..", "org.jdbi..", "java.sql..")
                .check(CLASSES);
    }

    @Test
    void servicesAndStorageKnowNothingOfHttpOrTheCli() {
        noClasses().that().resideInAnyPackage("..server.account..", "..server.access..", "..server.audit..", "..server.ca..",
                        "..server.keys..", "..server.store..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.http..", "..server.cli..", "io.javalin..", "picocli..")
                .check(CLASSES);
    }

    @Test
    void thePkiCoreDependsOnNothingButTheJdkAndBouncyCastle() {
        noClasses().that().resideInAPackage("io.certdesk.pki..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.certdesk.pki..", "java..", "javax..", "org.bouncycastle..")
                .check(CLASSES);
    }
}
