package org.portico.fhir;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The servers share only smart-core: fhir-server code never reaches into the auth-server. */
class ArchitectureTest {

    private static final JavaClasses FHIR_SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.portico.fhir");

    @Test
    void fhirServerNeverDependsOnTheAuthServer() {
        noClasses().that().resideInAPackage("org.portico.fhir..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.portico.auth..", "org.springframework.security.oauth2.server.authorization..")
                .check(FHIR_SERVER);
    }
}
