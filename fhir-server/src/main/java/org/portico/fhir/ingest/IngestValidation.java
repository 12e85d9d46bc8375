package org.portico.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * Validation of an ingest unit against US Core 7 (ADR 0017), with HAPI's instance validator over the
 * profiles installed from the bundled packages. Each resource is checked against the profiles it
 * claims ({@code meta.profile}) and, when it claims none, against the US Core profile of its type
 * (Observations and DiagnosticReports by their category). Terminology is not checked: there is no
 * terminology server, and codes from SNOMED CT, LOINC or RxNorm cannot be told valid without one.
 * Runs before the unit's transaction, so it never holds a lock or a connection; a resource sent
 * again unchanged is not validated again (its findings are kept by a digest of its content).
 */
public final class IngestValidation {

    /** What a unit with validation errors gets. */
    public enum Mode {
        /** No validation. */
        OFF,
        /** Stored; errors and warnings listed in the report. */
        ACCEPT_WITH_WARNINGS,
        /** Refused as a whole (422) when any resource has an error; warnings listed in the report. */
        REJECT;

        public static Mode of(String value) {
            return Mode.valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        }

        public String code() {
            return name().replace('_', '-').toLowerCase(Locale.ROOT);
        }
    }

    /** One message of the validator about one entry. */
    public record Finding(String label, String sourceId, boolean error, String profile, String location, String message) {

        String text() {
            return (error ? "error" : "warning") + " against " + profile + " at " + location + ": " + message;
        }
    }

    static final String US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/";
    private static final Map<String, String> PROFILES = Map.ofEntries(
            Map.entry("Patient", "us-core-patient"),
            Map.entry("AllergyIntolerance", "us-core-allergyintolerance"),
            Map.entry("CarePlan", "us-core-careplan"),
            Map.entry("CareTeam", "us-core-careteam"),
            Map.entry("Condition", "us-core-condition-problems-health-concerns"),
            Map.entry("Coverage", "us-core-coverage"),
            Map.entry("Device", "us-core-implantable-device"),
            Map.entry("DocumentReference", "us-core-documentreference"),
            Map.entry("Encounter", "us-core-encounter"),
            Map.entry("Goal", "us-core-goal"),
            Map.entry("Immunization", "us-core-immunization"),
            Map.entry("Location", "us-core-location"),
            Map.entry("Medication", "us-core-medication"),
            Map.entry("MedicationDispense", "us-core-medicationdispense"),
            Map.entry("MedicationRequest", "us-core-medicationrequest"),
            Map.entry("Organization", "us-core-organization"),
            Map.entry("Practitioner", "us-core-practitioner"),
            Map.entry("PractitionerRole", "us-core-practitionerrole"),
            Map.entry("Procedure", "us-core-procedure"),
            Map.entry("ServiceRequest", "us-core-servicerequest"),
            Map.entry("Specimen", "us-core-specimen"));

    private final Mode mode;
    private final FhirValidator validator;
    private final FhirContext fhir;
    private final com.github.benmanes.caffeine.cache.Cache<String, List<Message>> checked =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(200_000).build();

    public IngestValidation(FhirContext fhir, IValidationSupport support, Mode mode) {
        this.mode = mode;
        FhirInstanceValidator module = new FhirInstanceValidator(support);
        module.setNoTerminologyChecks(true);
        module.setAnyExtensionsAllowed(true);
        this.validator = fhir.newValidator().registerValidatorModule(module);
        this.fhir = fhir;
    }

    public Mode mode() {
        return mode;
    }

    /** The errors and warnings of every entry (none when the mode is {@link Mode#OFF}). */
    public List<Finding> validate(IngestUnit unit, java.util.function.Function<IngestUnit.Entry, String> sourceId) {
        return validate(unit, mode, sourceId);
    }

    /** The errors and warnings of every entry under the given mode. */
    public List<Finding> validate(IngestUnit unit, Mode mode, java.util.function.Function<IngestUnit.Entry, String> sourceId) {
        List<Finding> findings = new ArrayList<>();
        if (mode == Mode.OFF) {
            return findings;
        }
        for (IngestUnit.Entry entry : unit.entries()) {
            Resource resource = entry.resource().copy();
            // a copy shares the objects its references point to (other entries of the unit): encoding it
            // would give them ids of its own, and a resend would then no longer find what it sent
            fhir.newTerser().getAllPopulatedChildElementsOfType(resource, org.hl7.fhir.r4.model.Reference.class)
                    .forEach(reference -> reference.setResource(null));
            String profile = profile(resource);
            if (profile == null) {
                continue;
            }
            if (resource.getMeta().getProfile().isEmpty()) {
                resource.getMeta().addProfile(profile);
            } else {
                profile = resource.getMeta().getProfile().get(0).getValue();
            }
            String id = sourceId.apply(entry);
            for (Message message : messages(resource)) {
                findings.add(new Finding(entry.label(), id, message.error(), profile, message.location(), message.message()));
            }
        }
        return findings;
    }

    /** What the validator said about one resource, kept by the resource's content. */
    private record Message(boolean error, String location, String message) {}

    /**
     * The validator's errors and warnings. A resource sent again unchanged (a resend, the same Practitioner
     * in every unit) is not validated again: the answer is kept by a digest of its content and profile.
     */
    private List<Message> messages(Resource resource) {
        // a parser is not thread-safe; a new one is cheap
        String content = fhir.newJsonParser().encodeResourceToString(resource);
        return checked.get(digest(content), key -> {
            List<Message> messages = new ArrayList<>();
            ValidationResult result = validator.validateWithResult(resource);
            for (SingleValidationMessage message : result.getMessages()) {
                ResultSeverityEnum severity = message.getSeverity();
                if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL || severity == ResultSeverityEnum.WARNING) {
                    messages.add(new Message(severity != ResultSeverityEnum.WARNING, message.getLocationString(), message.getMessage()));
                }
            }
            return List.copyOf(messages);
        });
    }

    private static String digest(String content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The US Core profile a resource of this kind is checked against, or null when US Core has none. */
    static String profile(Resource resource) {
        String type = resource.fhirType();
        if (resource instanceof Observation observation) {
            if (has(observation.getCategory(), "vital-signs")) {
                return US_CORE + "us-core-vital-signs";
            }
            if (has(observation.getCategory(), "laboratory")) {
                return US_CORE + "us-core-observation-lab";
            }
            return US_CORE + "us-core-simple-observation";
        }
        if (resource instanceof DiagnosticReport report) {
            return US_CORE + (has(report.getCategory(), "LAB") ? "us-core-diagnosticreport-lab" : "us-core-diagnosticreport-note");
        }
        String name = PROFILES.get(type);
        return name == null ? null : US_CORE + name;
    }

    private static boolean has(List<CodeableConcept> categories, String code) {
        return categories.stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> code.equals(c.getCode()));
    }
}
