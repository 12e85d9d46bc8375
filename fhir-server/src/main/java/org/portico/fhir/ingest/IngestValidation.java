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
    private final IValidationSupport support;
    /** How many resources were validated as entries of a Bundle (the rest alone). */
    final java.util.concurrent.atomic.AtomicLong validatedTogether = new java.util.concurrent.atomic.AtomicLong();
    private final com.github.benmanes.caffeine.cache.Cache<String, List<Message>> checked =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(200_000).build();

    public IngestValidation(FhirContext fhir, IValidationSupport support, Mode mode) {
        this.mode = mode;
        FhirInstanceValidator module = new FhirInstanceValidator(support);
        module.setNoTerminologyChecks(true);
        module.setAnyExtensionsAllowed(true);
        this.validator = fhir.newValidator().registerValidatorModule(module);
        this.fhir = fhir;
        this.support = support;
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
        List<Checked> entries = prepare(unit);
        // what was not seen before is validated in one call: the validator builds a costly instance per call
        // (it reads its OID table each time), which per resource was two thirds of the ingest's CPU
        Map<String, Resource> unseen = new java.util.LinkedHashMap<>();
        for (Checked checked : entries) {
            if (checked.resource() != null && checked.messages() == null) {
                unseen.putIfAbsent(checked.digest(), checked.resource());
            }
        }
        Map<String, List<Message>> found = messages(unseen);
        for (Checked checked : entries) {
            if (checked.resource() == null) {
                continue;
            }
            List<Message> messages = checked.messages() != null ? checked.messages() : found.get(checked.digest());
            String id = sourceId.apply(checked.entry());
            for (Message message : messages) {
                findings.add(new Finding(checked.entry().label(), id, message.error(), checked.profile(), message.location(), message.message()));
            }
        }
        return findings;
    }

    /** The same findings, each resource validated on its own (the reference for {@link #validate}). */
    List<Finding> validateEachAlone(IngestUnit unit, java.util.function.Function<IngestUnit.Entry, String> sourceId) {
        List<Finding> findings = new ArrayList<>();
        for (Checked checked : prepare(unit)) {
            if (checked.resource() == null) {
                continue;
            }
            for (Message message : validateAlone(checked.resource())) {
                findings.add(new Finding(checked.entry().label(), sourceId.apply(checked.entry()), message.error(), checked.profile(),
                        message.location(), message.message()));
            }
        }
        return findings;
    }

    /** What the validator said about one resource, kept by the resource's content. */
    private record Message(boolean error, String location, String message) {}

    /**
     * An entry ready for the validator: a copy claiming the profile it is checked against (null when US Core
     * has none for it), the digest of that copy, and the messages kept for that digest if it was seen before.
     */
    private record Checked(IngestUnit.Entry entry, Resource resource, String profile, String digest, List<Message> messages) {}

    private List<Checked> prepare(IngestUnit unit) {
        List<Checked> result = new ArrayList<>();
        // a parser is not thread-safe; a new one is cheap
        var parser = fhir.newJsonParser();
        for (IngestUnit.Entry entry : unit.entries()) {
            Resource resource = entry.resource().copy();
            // a copy shares the objects its references point to (other entries of the unit): encoding it
            // would give them ids of its own, and a resend would then no longer find what it sent
            fhir.newTerser().getAllPopulatedChildElementsOfType(resource, org.hl7.fhir.r4.model.Reference.class)
                    .forEach(reference -> reference.setResource(null));
            String profile = profile(resource);
            if (profile == null) {
                result.add(new Checked(entry, null, null, null, null));
                continue;
            }
            if (resource.getMeta().getProfile().isEmpty()) {
                resource.getMeta().addProfile(profile);
            } else {
                profile = resource.getMeta().getProfile().get(0).getValue();
            }
            String digest = digest(parser.encodeResourceToString(resource));
            result.add(new Checked(entry, resource, profile, digest, checked.getIfPresent(digest)));
        }
        return result;
    }

    /** Where a message about the n-th entry of the validated Bundle is: the entry and the path in its resource. */
    private static final java.util.regex.Pattern IN_ENTRY =
            java.util.regex.Pattern.compile("Bundle\\.entry\\[(\\d+)\\]\\.resource(?:/\\*[^*]*\\*/)?(.*)");

    /** What the validator says about references between the entries of the Bundle made here (not sent by the source). */
    private static final java.util.Set<String> ABOUT_THE_BUNDLE = java.util.Set.of("Bundle_BUNDLE_Not_Local", "BUNDLE_BUNDLE_POSSIBLE_MATCH_WRONG_FU");

    /**
     * The validator's errors and warnings for each resource (by digest), all validated in one call as the
     * entries of a collection Bundle; the answer is kept by digest, so that a resource sent again unchanged
     * (a resend, the same Practitioner in every unit) is not validated again.
     */
    private Map<String, List<Message>> messages(Map<String, Resource> resources) {
        Map<String, List<Message>> result = new java.util.HashMap<>();
        if (resources.isEmpty()) {
            return result;
        }
        List<String> digests = new ArrayList<>();
        resources.forEach((digest, resource) -> {
            // the validator says nothing about a profile it does not know when the resource is in a Bundle
            // (alone it is an error): such a resource is validated alone
            if (resource.getMeta().getProfile().stream().allMatch(p -> support.fetchStructureDefinition(p.getValue()) != null)) {
                digests.add(digest);
            } else {
                result.put(digest, validateAlone(resource));
                checked.put(digest, result.get(digest));
            }
        });
        if (digests.size() == 1) {
            String only = digests.get(0);
            result.put(only, validateAlone(resources.get(only)));
            checked.put(only, result.get(only));
            return result;
        }
        if (digests.isEmpty()) {
            return result;
        }
        org.hl7.fhir.r4.model.Bundle bundle = new org.hl7.fhir.r4.model.Bundle();
        bundle.setType(org.hl7.fhir.r4.model.Bundle.BundleType.COLLECTION);
        List<List<Message>> byEntry = new ArrayList<>();
        for (String digest : digests) {
            Resource resource = resources.get(digest);
            bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(resource);
            byEntry.add(new ArrayList<>());
        }
        ValidationResult outcome = validator.validateWithResult(bundle);
        validatedTogether.addAndGet(digests.size());
        for (SingleValidationMessage message : outcome.getMessages()) {
            java.util.regex.Matcher at = IN_ENTRY.matcher(String.valueOf(message.getLocationString()));
            if (!at.matches() || !reported(message.getSeverity()) || ABOUT_THE_BUNDLE.contains(message.getMessageId())) {
                continue; // about the Bundle made here, not about what the source sent
            }
            int index = Integer.parseInt(at.group(1));
            String type = resources.get(digests.get(index)).fhirType();
            byEntry.get(index).add(new Message(message.getSeverity() != ResultSeverityEnum.WARNING, type + at.group(2), message.getMessage()));
        }
        for (int i = 0; i < digests.size(); i++) {
            List<Message> messages = List.copyOf(byEntry.get(i));
            result.put(digests.get(i), messages);
            checked.put(digests.get(i), messages);
        }
        return result;
    }

    private List<Message> validateAlone(Resource resource) {
        List<Message> messages = new ArrayList<>();
        for (SingleValidationMessage message : validator.validateWithResult(resource).getMessages()) {
            if (reported(message.getSeverity())) {
                messages.add(new Message(message.getSeverity() != ResultSeverityEnum.WARNING, message.getLocationString(), message.getMessage()));
            }
        }
        return List.copyOf(messages);
    }

    private static boolean reported(ResultSeverityEnum severity) {
        return severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL || severity == ResultSeverityEnum.WARNING;
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
