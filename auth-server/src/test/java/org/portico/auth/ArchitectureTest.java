package org.portico.auth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The auth-server shares nothing with the fhir-server but smart-core (ARCHITECTURE.md). */
@AnalyzeClasses(packages = "org.portico.auth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule neverDependsOnTheFhirServer = noClasses()
            .that().resideInAPackage("org.portico.auth..")
            .should().dependOnClassesThat().resideInAnyPackage("org.portico.fhir..", "ca.uhn..");
}
