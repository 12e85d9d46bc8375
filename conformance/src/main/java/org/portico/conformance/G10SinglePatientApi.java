package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Scenario 12, Single Patient API, US Core 7.0.0 (G10 checklist §7.4 and §8; with US Core 6.1.0, scenario
 * 10, see {@link G10SinglePatientApiUsCore6}): per profile group of the
 * table ({@link UsCoreTable}, a resource derived from the checklist) the required searches with their
 * variants, read, {@code _revinclude=Provenance:target}, validation against the profile, must-support
 * coverage over all patients and reference resolution; the read-only groups read every instance the
 * others reference; then 12.1 (CapabilityStatement), 12.49 (clinical notes), 12.50 (screening
 * assessment) and 12.51 (missing data).
 *
 * <p>Patients: {@code singlePatientApi.patients} of the configuration (default: the first login's launch
 * patient). Inferno uses one token and additional patient ids; Portico's patient tokens carry one
 * patient, so the suite launches once per patient with the login that may see it (choosing it on the
 * patient picker), and falls back to the first token for a patient no login lists.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10SinglePatientApi {

    /** The profiles 12.1 requires in the CapabilityStatement (g10 {@code required_profiles}, US Core 7). */
    static final List<String> REQUIRED_PROFILES = List.of("us-core-allergyintolerance", "us-core-careplan", "us-core-careteam",
            "us-core-condition-encounter-diagnosis", "us-core-condition-problems-health-concerns", "us-core-coverage",
            "us-core-implantable-device", "us-core-diagnosticreport-lab", "us-core-diagnosticreport-note",
            "us-core-documentreference", "us-core-encounter", "us-core-goal", "us-core-immunization", "us-core-location",
            "us-core-medicationdispense", "us-core-medicationrequest", "us-core-observation-lab", "us-core-blood-pressure",
            "us-core-bmi", "us-core-head-circumference", "us-core-body-height", "us-core-body-weight", "us-core-body-temperature",
            "us-core-heart-rate", "pediatric-bmi-for-age", "head-occipital-frontal-circumference-percentile",
            "pediatric-weight-for-height", "us-core-pulse-oximetry", "us-core-respiratory-rate", "us-core-smokingstatus",
            "us-core-observation-clinical-result", "us-core-observation-occupation", "us-core-observation-pregnancyintent",
            "us-core-observation-pregnancystatus", "us-core-observation-screening-assessment",
            "us-core-treatment-intervention-preference", "us-core-care-experience-preference", "us-core-average-blood-pressure",
            "us-core-organization", "us-core-patient", "us-core-practitioner", "us-core-procedure", "us-core-provenance",
            "us-core-relatedperson", "us-core-servicerequest", "us-core-specimen");

    private final Deployment deployment;
    private final SmartClient smart;
    private final UsCoreApi api;
    /** Profiles of {@link #REQUIRED_PROFILES} that US Core 6.1.0 does not have (10.1 does not require them). */
    static final List<String> ONLY_IN_7 = List.of("us-core-location", "us-core-treatment-intervention-preference",
            "us-core-care-experience-preference", "us-core-average-blood-pressure");

    private final String version;
    private final UsCoreTable table;
    private final UsCorePackage pkg;
    private ProfileValidator validator;

    /** Patient id -> access token. */
    private final Map<String, String> tokens = new LinkedHashMap<>();
    /** Per group id: the resources its first search found, "Type/id" -> found. */
    private final Map<String, Map<String, Found>> found = new LinkedHashMap<>();
    /** Provenance returned by the revinclude searches. */
    private final Map<String, Found> provenance = new LinkedHashMap<>();
    /** Every resource the suite saw, for 12.51 and the read-only groups. */
    private final Map<String, Found> seen = new LinkedHashMap<>();
    /** Per group id and patient: a first-search query that returned resources (for the revinclude and variants). */
    private final Map<String, Map<String, String>> firstQueries = new LinkedHashMap<>();

    record Found(JsonNode resource, String patient) {}

    /** One constructor only: JUnit instantiates the kit's classes (the CLI) as well as their IT subclasses. */
    G10SinglePatientApi(Deployment deployment) {
        this.version = usCoreVersion();
        this.table = UsCoreTable.load(version);
        this.pkg = UsCorePackage.load(version);
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.api = new UsCoreApi(smart);
    }

    /**
     * The US Core version of the suite: its table ({@code us-core-<version>-single-patient-api.json}) and
     * package. Called by the constructor, so an override returns a constant.
     */
    protected String usCoreVersion() {
        return "7.0.0";
    }

    /**
     * Rows the deployment is known not to pass yet, with the reason (an issue of the server, not of the
     * kit): a failing check of one of these ids is reported as skipped with that reason; a passing one
     * passes. The kit itself knows none; {@code G10SinglePatientApiIT} names Portico's.
     */
    protected Map<String, String> knownGaps() {
        return Map.of();
    }

    @BeforeAll
    void launch() {
        G10.App app = G10.apps(deployment).symmetric();
        List<String> patients = deployment.demo().singlePatientApiPatients();
        String fallback = null;
        if (patients.isEmpty()) {
            TokenResponse t = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), G10.patientUser(deployment),
                    G10.STANDALONE_V2, LoginDriver.Choices.approveAll()).tokens();
            tokens.put(t.patient(), t.accessToken());
            return;
        }
        for (String patient : patients) {
            // the patient's own login first: a proxy's token never carries sensitive data (only the patient
            // may share it), so a proxy would not see everything the suite reads; then a login that acts for it
            Credentials user = deployment.demo().users().stream()
                    .filter(u -> !u.patients().isEmpty() && u.patients().get(0).equals(patient)).findFirst()
                    .or(() -> deployment.demo().users().stream().filter(u -> u.patients().contains(patient)).findFirst())
                    .orElse(null);
            if (user == null) {
                if (fallback == null) {
                    fallback = tokens.values().stream().findFirst().orElseGet(() -> smart.launch(app.clientId(),
                            G10.REDIRECT_URI, app.auth(), G10.patientUser(deployment), G10.STANDALONE_V2,
                            LoginDriver.Choices.approveAll()).tokens().accessToken());
                }
                tokens.put(patient, fallback);
                continue;
            }
            LoginDriver.Choices choices = user.patients().size() > 1
                    ? LoginDriver.Choices.pickPatient(patient) : LoginDriver.Choices.approveAll();
            TokenResponse t = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), user, G10.STANDALONE_V2, choices)
                    .tokens();
            if (!patient.equals(t.patient())) {
                throw new IllegalStateException("the launch for patient " + patient + " put " + t.patient() + " in context");
            }
            tokens.put(patient, t.accessToken());
        }
    }

    // ---- 12.1: Capability Statement ----

    private void tls() {
        G10Tls.assertModernTlsOnly(smart, smart.fhirBase());
    }

    private void capabilityStatement() {
        Response r = smart.http().get(smart.fhirUri("metadata"), "Accept", "application/fhir+json");
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        JsonNode cs = r.json();
        assertThat(cs.path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(cs.path("fhirVersion").asText()).isEqualTo("4.0.1");
        List<String> formats = new ArrayList<>();
        cs.path("format").forEach(f -> formats.add(f.asText()));
        assertThat(formats).as("format").containsAnyOf("json", "application/json", "application/fhir+json");
        Set<String> declared = new LinkedHashSet<>();
        for (JsonNode rest : cs.path("rest")) {
            for (JsonNode resource : rest.path("resource")) {
                resource.path("supportedProfile").forEach(p -> declared.add(p.asText().replaceAll("\\|.*$", "")));
            }
        }
        List<String> missing = REQUIRED_PROFILES.stream().filter(p -> version.startsWith("7") || !ONLY_IN_7.contains(p))
                .map(p -> "http://hl7.org/fhir/us/core/StructureDefinition/" + p).filter(p -> !declared.contains(p)).toList();
        assertThat(missing).as("required US Core profiles not in rest.resource.supportedProfile").isEmpty();
    }

    // ---- the rows: 12.1, the profile groups (12.2 - 12.48), 12.49 - 12.51 ----

    @TestFactory
    @DisplayName("Single Patient API, US Core")
    Stream<DynamicNode> singlePatientApi() {
        String cs = table.capabilityStatementId();
        List<DynamicNode> rows = new ArrayList<>();
        rows.add(DynamicContainer.dynamicContainer(cs + " Capability Statement", Stream.of(
                DynamicTest.dynamicTest(cs + ".01 TLS on the FHIR base", this::tls),
                DynamicTest.dynamicTest(cs + ".02 GET /metadata without a token: 200, CapabilityStatement, FHIR 4.0.1, JSON,"
                        + " the US Core " + version + " profiles", this::capabilityStatement))));
        table.groups().forEach(g -> rows.add(group(g)));
        rows.add(DynamicTest.dynamicTest(table.clinicalNotesId() + " clinical notes: the 8 note types, the 3 report categories,"
                + " report attachments also DocumentReferences", this::clinicalNotes));
        rows.add(DynamicTest.dynamicTest(table.screeningAssessmentId() + " screening assessment: an SDOH Condition; survey"
                + " Observations with the 6 categories", this::screeningAssessment));
        rows.add(DynamicTest.dynamicTest(table.missingDataId() + " missing data: the data-absent-reason extension and the code"
                + " data-absent-reason#unknown", this::missingData));
        return rows.stream();
    }

    private DynamicContainer group(UsCoreTable.Group g) {
        List<DynamicNode> tests = new ArrayList<>();
        int[] n = {0};
        java.util.function.BiConsumer<String, Executable> add = (name, check) -> {
            String id = g.id() + "." + String.format("%02d", ++n[0]);
            tests.add(DynamicTest.dynamicTest(id + " " + g.type() + " " + name, () -> guarded(id, check)));
        };
        found.put(g.id(), new LinkedHashMap<>());
        UsCoreGroupChecks checks = new UsCoreGroupChecks(this, g);
        if (g.readOnly()) {
            add.accept("read every referenced instance", checks::readReferenced);
        } else {
            for (UsCoreTable.Search s : g.searches()) {
                add.accept("search " + s.name() + flags(s), () -> checks.search(s));
            }
            add.accept("read", checks::read);
            if (g.has("provenance_revinclude_search")) {
                add.accept("_revinclude=Provenance:target", checks::provenanceRevinclude);
            }
        }
        add.accept("validation against " + g.profile() + "|" + version, checks::validation);
        if (g.has("Medication profile validation")) {
            add.accept("Medication validation against us-core-medication|" + version, checks::medicationValidation);
        }
        add.accept("must-support elements populated", checks::mustSupport);
        if (g.has("reference_resolution")) {
            add.accept("must-support references resolve", checks::referenceResolution);
        }
        if (g.has("custodian")) {
            add.accept("custodian (DocumentReference.custodian or Provenance agent)", checks::custodian);
        }
        if (g.has("address")) {
            add.accept("address (Practitioner.address or a PractitionerRole)", checks::practitionerAddress);
        }
        return DynamicContainer.dynamicContainer(g.id() + " " + g.profile(), tests);
    }

    private static String flags(UsCoreTable.Search s) {
        List<String> f = new ArrayList<>();
        if (s.first()) {
            f.add("first");
        }
        if (s.refVariant()) {
            f.add("Patient/id");
        }
        if (s.post()) {
            f.add("POST");
        }
        s.systemCode().forEach(p -> f.add("system|code on " + p));
        s.comparators().forEach(p -> f.add("gt/ge/lt/le on " + p));
        s.multipleOr().forEach(p -> f.add("multiple-OR on " + p));
        if (s.includeMedication()) {
            f.add("_include medication");
        }
        return f.isEmpty() ? "" : " (" + String.join(", ", f) + ")";
    }

    /** Runs a check; a failure of a row {@link #knownGaps()} names becomes a skip carrying the gap's reason. */
    private void guarded(String id, Executable check) throws Throwable {
        try {
            check.execute();
        } catch (AssertionError e) {
            String gap = knownGaps().entrySet().stream().filter(k -> id.equals(k.getKey()) || id.startsWith(k.getKey() + "."))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (gap != null) {
                Assumptions.abort(gap + " -- check failed: " + e.getMessage());
            }
            throw e;
        }
    }

    // ---- 12.49 - 12.51 ----

    private void clinicalNotes() {
        Set<String> types = new LinkedHashSet<>();
        Set<String> categories = new LinkedHashSet<>();
        List<String> unmatchedUrls = new ArrayList<>();
        for (Map.Entry<String, String> p : tokens.entrySet()) {
            UsCoreApi.Searchset docs = api.search("DocumentReference", "patient=" + p.getKey(), p.getValue());
            assertThat(docs.ok()).as(docs.describe()).isTrue();
            Set<String> attachmentUrls = new LinkedHashSet<>();
            for (JsonNode d : docs.matches()) {
                d.path("type").path("coding").forEach(c -> types.add(c.path("system").asText() + "|" + c.path("code").asText()));
                d.path("content").forEach(c -> attachmentUrls.add(c.path("attachment").path("url").asText()));
            }
            UsCoreApi.Searchset reports = api.search("DiagnosticReport", "patient=" + p.getKey(), p.getValue());
            assertThat(reports.ok()).as(reports.describe()).isTrue();
            for (JsonNode r : reports.matches()) {
                Set<String> own = new LinkedHashSet<>();
                r.path("category").forEach(c -> c.path("coding").forEach(x -> own.add(x.path("system").asText() + "|" + x.path("code").asText())));
                categories.addAll(own);
                boolean note = own.stream().anyMatch(c -> c.matches("http://loinc.org\\|(LP29708-2|LP7839-6|LP29684-5)"));
                if (note) {
                    r.path("presentedForm").forEach(f -> {
                        String url = f.path("url").asText(null);
                        if (url != null && !attachmentUrls.contains(url)) {
                            unmatchedUrls.add(r.path("id").asText() + ": " + url);
                        }
                    });
                }
            }
        }
        List<String> missingTypes = Stream.of("11488-4", "18842-5", "34117-2", "28570-0", "11506-3", "18748-4", "11502-2", "11526-1")
                .filter(c -> !types.contains("http://loinc.org|" + c)).toList();
        List<String> missingCategories = Stream.of("LP29708-2", "LP7839-6", "LP29684-5")
                .filter(c -> !categories.contains("http://loinc.org|" + c)).toList();
        assertThat(missingTypes).as("DocumentReference.type codes not found").isEmpty();
        assertThat(missingCategories).as("DiagnosticReport.category codes not found").isEmpty();
        assertThat(unmatchedUrls).as("DiagnosticReport.presentedForm.url without a DocumentReference attachment").isEmpty();
    }

    private void screeningAssessment() {
        boolean sdohCondition = false;
        Set<String> categories = new LinkedHashSet<>();
        for (Map.Entry<String, String> p : tokens.entrySet()) {
            UsCoreApi.Searchset conditions = api.search("Condition",
                    "patient=" + p.getKey() + "&category=health-concern,problem-list-item", p.getValue());
            assertThat(conditions.ok()).as(conditions.describe()).isTrue();
            for (JsonNode c : conditions.matches()) {
                for (JsonNode cat : c.path("category")) {
                    for (JsonNode coding : cat.path("coding")) {
                        sdohCondition |= "http://hl7.org/fhir/us/core/CodeSystem/us-core-category".equals(coding.path("system").asText())
                                && "sdoh".equals(coding.path("code").asText());
                    }
                }
            }
            UsCoreApi.Searchset surveys = api.search("Observation", "patient=" + p.getKey() + "&category=survey", p.getValue());
            assertThat(surveys.ok()).as(surveys.describe()).isTrue();
            surveys.matches().forEach(o -> o.path("category").forEach(cat -> cat.path("coding").forEach(coding ->
                    categories.add(coding.path("system").asText() + "|" + coding.path("code").asText()))));
        }
        assertThat(sdohCondition).as("a Condition with category us-core-category|sdoh").isTrue();
        String usCore = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category|";
        String obs = "http://terminology.hl7.org/CodeSystem/observation-category|";
        List<String> missing = Stream.of(usCore + "sdoh", usCore + "functional-status", usCore + "disability-status",
                usCore + "cognitive-status", obs + "activity", obs + "social-history").filter(c -> !categories.contains(c)).toList();
        assertThat(missing).as("survey Observation categories not found").isEmpty();
    }

    private void missingData() {
        assertThat(seen).as("resources seen by the profile groups").isNotEmpty();
        boolean extension = false;
        boolean unknown = false;
        for (Found f : seen.values()) {
            extension |= f.resource().toString().contains("\"" + MustSupport.DAR_EXTENSION + "\"");
            unknown |= hasDarUnknown(f.resource());
        }
        assertThat(extension).as("a resource with the data-absent-reason extension").isTrue();
        assertThat(unknown).as("a resource with the coding data-absent-reason#unknown").isTrue();
    }

    private static boolean hasDarUnknown(JsonNode node) {
        if (node.isObject()) {
            if (MustSupport.DAR_SYSTEM.equals(node.path("system").asText()) && "unknown".equals(node.path("code").asText())) {
                return true;
            }
            for (JsonNode child : node) {
                if (hasDarUnknown(child)) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (hasDarUnknown(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- what the group checks share ----

    Map<String, String> tokens() {
        return tokens;
    }

    UsCoreApi api() {
        return api;
    }

    UsCorePackage pkg() {
        return pkg;
    }

    String version() {
        return version;
    }

    synchronized ProfileValidator validator() {
        if (validator == null) {
            validator = new ProfileValidator(version);
        }
        return validator;
    }

    Map<String, Found> found(String groupId) {
        return found.get(groupId);
    }

    Map<String, Found> provenance() {
        return provenance;
    }

    Map<String, Found> seen() {
        return seen;
    }

    Map<String, String> firstQueries(String groupId) {
        return firstQueries.computeIfAbsent(groupId, k -> new LinkedHashMap<>());
    }

    static void failWith(String message) {
        fail(message);
    }
}
