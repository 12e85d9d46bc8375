package org.portico.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Profile validation as Inferno's {@code validation_test}: the HL7 validator (HAPI's
 * {@link FhirInstanceValidator}) with FHIR R4 core and the US Core package portico-ig carries, no
 * terminology server. Errors are what fails; messages that only say a code, code system or value set
 * could not be checked without a terminology server are left out, as Inferno's message filters do.
 */
final class ProfileValidator {

    /** Inferno's filters (us-core-test-kit and g10 {@code validation_message_filters}), for an offline validator. */
    private static final List<Pattern> FILTERS = List.of(
            Pattern.compile("Unknown [Cc]ode"),
            Pattern.compile("[Uu]nknown [Cc]ode ?[Ss]ystem"),
            Pattern.compile("CodeSystem is unknown and can't be validated"),
            // meta.profile naming other profiles (older US Core versions): only the profile under test is checked
            Pattern.compile("Profile reference '.*' has not been checked because it could not be found"),
            Pattern.compile("Code [Ss]ystem .* (could not be found|is not known|not found)"),
            Pattern.compile("A definition for CodeSystem .* could not be found"),
            Pattern.compile("ValueSet .* not found"),
            Pattern.compile("[Uu]nable to (check|validate|expand|find|resolve)"),
            Pattern.compile("is not in the value set"),
            Pattern.compile("None of the codings provided are in the value set"),
            Pattern.compile("does not resolve"),
            Pattern.compile("No definition could be found for URL value 'http://hl7.org/fhir/us/core/CodeSystem/"),
            Pattern.compile("Observation\\.effective\\.ofType\\(Period\\): .*vs-1"));

    private final String version;
    private final FhirValidator validator;

    ProfileValidator(String version) {
        this.version = version;
        FhirContext fhir = FhirContext.forR4Cached();
        NpmPackageValidationSupport usCore = new NpmPackageValidationSupport(fhir);
        try {
            usCore.loadPackageFromClasspath("classpath:" + UsCorePackage.classpathLocation(version));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load US Core " + version, e);
        }
        ValidationSupportChain chain = new ValidationSupportChain(
                usCore,
                new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        this.validator = fhir.newValidator().registerValidatorModule(module);
    }

    /** The errors of validating {@code resourceJson} against {@code profileUrl|version}, filtered; empty when valid. */
    List<String> errors(String resourceJson, String profileUrl) {
        var result = validator.validateWithResult(resourceJson,
                new ValidationOptions().addProfile(profileUrl + "|" + version));
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(ProfileValidator::describe)
                .filter(m -> FILTERS.stream().noneMatch(f -> f.matcher(m).find()))
                .toList();
    }

    /** The errors of each of {@code resources} (at most three a resource), each after its {@code Type/id}. */
    List<String> errors(List<JsonNode> resources, String profileUrl) {
        List<String> errors = new ArrayList<>();
        for (JsonNode resource : resources) {
            String id = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
            errors(resource.toString(), profileUrl).stream().limit(3).forEach(m -> errors.add(id + " " + m));
        }
        return errors;
    }

    private static String describe(SingleValidationMessage m) {
        return m.getLocationString() + ": " + m.getMessage();
    }
}
