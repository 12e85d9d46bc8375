package org.portico.fhir.uscore;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.portico.fhir.ig.FhirPackages;
import org.portico.fhir.ig.SearchParameterCheck;
import org.portico.fhir.ig.UsCoreContract;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * US Core 7.0.0 is installed (with the 6.1.0 profiles beside it) and {@code /metadata} says so
 * truthfully: it instantiates US Core's server CapabilityStatement, lists US Core's profiles per
 * type (every one the (g)(10) kit requires, checklist 12.1), US Core's search parameters, includes
 * and {@code Provenance:target}; and every search parameter it declares for a US Core type answers.
 */
class UsCoreCapabilityStatementIT extends UsCoreItSupport {

    /** {@code rest.resource.supportedProfile} must name each of these (g10 {@code required_profiles}, US Core 7). */
    static final Map<String, List<String>> REQUIRED_PROFILES = Map.ofEntries(
            Map.entry("Patient", List.of("us-core-patient")),
            Map.entry("AllergyIntolerance", List.of("us-core-allergyintolerance")),
            Map.entry("CarePlan", List.of("us-core-careplan")),
            Map.entry("CareTeam", List.of("us-core-careteam")),
            Map.entry("Condition", List.of("us-core-condition-encounter-diagnosis", "us-core-condition-problems-health-concerns")),
            Map.entry("Coverage", List.of("us-core-coverage")),
            Map.entry("Device", List.of("us-core-implantable-device")),
            Map.entry("DiagnosticReport", List.of("us-core-diagnosticreport-lab", "us-core-diagnosticreport-note")),
            Map.entry("DocumentReference", List.of("us-core-documentreference")),
            Map.entry("Encounter", List.of("us-core-encounter")),
            Map.entry("Goal", List.of("us-core-goal")),
            Map.entry("Immunization", List.of("us-core-immunization")),
            Map.entry("Location", List.of("us-core-location")),
            Map.entry("MedicationDispense", List.of("us-core-medicationdispense")),
            Map.entry("MedicationRequest", List.of("us-core-medicationrequest")),
            Map.entry("Observation", List.of("us-core-observation-lab", "us-core-blood-pressure", "us-core-bmi",
                    "us-core-head-circumference", "us-core-body-height", "us-core-body-weight", "us-core-body-temperature",
                    "us-core-heart-rate", "pediatric-bmi-for-age", "head-occipital-frontal-circumference-percentile",
                    "pediatric-weight-for-height", "us-core-pulse-oximetry", "us-core-respiratory-rate", "us-core-smokingstatus",
                    "us-core-observation-clinical-result", "us-core-observation-occupation", "us-core-observation-pregnancyintent",
                    "us-core-observation-pregnancystatus", "us-core-observation-screening-assessment",
                    "us-core-treatment-intervention-preference", "us-core-care-experience-preference",
                    "us-core-average-blood-pressure")),
            Map.entry("Organization", List.of("us-core-organization")),
            Map.entry("Practitioner", List.of("us-core-practitioner")),
            Map.entry("Procedure", List.of("us-core-procedure")),
            Map.entry("Provenance", List.of("us-core-provenance")),
            Map.entry("RelatedPerson", List.of("us-core-relatedperson")),
            Map.entry("ServiceRequest", List.of("us-core-servicerequest")),
            Map.entry("Specimen", List.of("us-core-specimen")));

    static final String US_CORE_SD = "http://hl7.org/fhir/us/core/StructureDefinition/";

    @Autowired
    UsCoreContract contract;

    @Autowired
    SearchParameterCheck check;

    @Autowired
    FhirPackages packages;

    @Autowired
    IValidationSupport validationSupport;

    @Autowired
    DaoRegistry daos;

    private Map<String, JsonNode> resources() throws Exception {
        HttpResponse<String> r = get("/metadata", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode cs = json(r);
        assertThat(cs.path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(cs.path("fhirVersion").asText()).isEqualTo("4.0.1");
        Map<String, JsonNode> byType = new TreeMap<>();
        cs.path("rest").path(0).path("resource").forEach(res -> byType.put(res.path("type").asText(), res));
        return byType;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.path("name").asText()));
        return out;
    }

    @Test
    void whenMetadataThenItInstantiatesUsCore7AndKeepsSmart() throws Exception {
        JsonNode cs = json(get("/metadata", null));
        assertThat(texts(cs.path("instantiates"))).containsExactlyInAnyOrder(UsCoreContract.SERVER_CAPABILITY_STATEMENT + "|7.0.0",
                org.portico.fhir.capability.BulkDataCapability.BULK_DATA);
        assertThat(texts(cs.path("implementationGuide"))).contains("http://hl7.org/fhir/us/core/ImplementationGuide/hl7.fhir.us.core|7.0.0");
        assertThat(cs.path("format").toString()).contains("json");
        assertThat(cs.path("rest").path(0).path("security").toString()).contains("SMART-on-FHIR", "oauth-uris");
    }

    @Test
    void whenMetadataThenEveryRequiredUsCoreProfileIsDeclaredOnItsType() throws Exception {
        Map<String, JsonNode> resources = resources();
        REQUIRED_PROFILES.forEach((type, profiles) -> {
            List<String> declared = texts(resources.get(type).path("supportedProfile")).stream()
                    .map(p -> p.replace("|7.0.0", "")).toList();
            for (String profile : profiles) {
                assertThat(declared).as(type).contains(US_CORE_SD + profile);
            }
        });
    }

    @Test
    void whenMetadataThenProfilesAreExactlyUsCore7sHeldOnes() throws Exception {
        Map<String, JsonNode> resources = resources();
        int count = 0;
        for (CapabilityStatement.CapabilityStatementRestResourceComponent uc
                : contract.serverCapabilityStatement().getRestFirstRep().getResource()) {
            Set<String> expected = new LinkedHashSet<>();
            uc.getSupportedProfile().stream().map(p -> p.getValue())
                    .filter(p -> validationSupport.fetchStructureDefinition(p) != null).forEach(expected::add);
            assertThat(texts(resources.get(uc.getType()).path("supportedProfile"))).as(uc.getType())
                    .containsExactlyInAnyOrderElementsOf(expected)
                    .allMatch(p -> p.endsWith("|7.0.0"));
            count += expected.size();
        }
        assertThat(resources.get("Claim").path("supportedProfile").isMissingNode()).isTrue();
        System.out.printf("CapabilityStatement: %d resource types, %d US Core profiles, %d search params, %d includes,"
                        + " %d revincludes%n", resources.size(), count,
                resources.values().stream().mapToInt(r -> r.path("searchParam").size()).sum(),
                resources.values().stream().mapToInt(r -> r.path("searchInclude").size()).sum(),
                resources.values().stream().mapToInt(r -> r.path("searchRevInclude").size()).sum());
        assertThat(count).isGreaterThanOrEqualTo(52);
    }

    @Test
    void whenMetadataThenUsCoreSearchParamsIncludesAndProvenanceRevincludeAreDeclared() throws Exception {
        Map<String, JsonNode> resources = resources();
        for (CapabilityStatement.CapabilityStatementRestResourceComponent uc
                : contract.serverCapabilityStatement().getRestFirstRep().getResource()) {
            JsonNode ours = resources.get(uc.getType());
            List<String> params = texts(ours.path("searchParam"));
            uc.getSearchParam().forEach(sp -> assertThat(params).as(uc.getType()).contains(sp.getName()));
            List<String> includes = texts(ours.path("searchInclude"));
            uc.getSearchInclude().forEach(inc -> assertThat(includes).as(uc.getType()).contains(inc.getValue()));
            List<String> revIncludes = texts(ours.path("searchRevInclude"));
            uc.getSearchRevInclude().forEach(inc -> assertThat(revIncludes).as(uc.getType()).contains(inc.getValue()));
        }
        assertThat(texts(resources.get("MedicationRequest").path("searchInclude"))).contains("MedicationRequest:medication");
        assertThat(texts(resources.get("MedicationDispense").path("searchInclude"))).contains("MedicationDispense:medication");
        // every type HAPI stores; AuditEvents are served from the audit log, without includes (ADR 0012)
        resources.forEach((type, res) -> {
            if (!type.equals("AuditEvent")) {
                assertThat(texts(res.path("searchRevInclude"))).as(type).contains("Provenance:target");
            }
        });
        assertThat(texts(resources.get("AuditEvent").path("searchRevInclude"))).isEmpty();
    }

    /**
     * Truthfulness: every search parameter declared on a US Core type is accepted (200) with a value
     * of its type, by a server-wide token (the patient compartment is not what is tested here).
     */
    @Test
    void whenADeclaredSearchParameterIsUsedThenTheServerAcceptsIt() throws Exception {
        String system = TOKENS.sign(TOKENS.claims(null, "system/*.rs").build());
        Map<String, JsonNode> resources = resources();
        List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (CapabilityStatement.CapabilityStatementRestResourceComponent uc
                    : contract.serverCapabilityStatement().getRestFirstRep().getResource()) {
                for (JsonNode param : resources.get(uc.getType()).path("searchParam")) {
                    futures.add(pool.submit(() -> {
                        String name = param.path("name").asText();
                        String last = null;
                        for (String query : queries(name, param.path("type").asText())) {
                            HttpResponse<String> r = get("/" + uc.getType() + "?" + query + "&_summary=count", system);
                            sent.incrementAndGet();
                            if (r.statusCode() == 200) {
                                return null;
                            }
                            last = r.statusCode() + " " + r.body();
                        }
                        refused.add(uc.getType() + "?" + name + ": " + last.substring(0, Math.min(300, last.length())));
                        return null;
                    }));
                }
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("declared US Core search parameters tried with %d requests%n", sent.get());
        assertThat(refused).isEmpty();
    }

    private static List<String> queries(String name, String type) {
        List<String> values = switch (type) {
            case "token" -> List.of("x", "http://example.org|x");
            case "string" -> List.of("x");
            case "date" -> List.of("ge2000-01-01");
            case "reference" -> List.of("x");
            case "number", "quantity" -> List.of("1");
            case "uri" -> List.of("http://example.org/x");
            case "composite" -> List.of("x$1", "x$x", "x$ge2000-01-01");
            default -> List.of("x");
        };
        if (name.equals("_has")) {
            return List.of("_has:Provenance:target:_id=x");
        }
        if (name.equals("near")) {
            return List.of("near=" + enc("42.0|-71.0|10|km"));
        }
        return values.stream().map(v -> name + "=" + enc(v)).toList();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // --- the packages themselves ---

    @Test
    void whenStartedThenEveryUsCore7SearchParameterIsInForceAndStoredOnce() {
        SearchParameterCheck.Report report = check.run();
        assertThat(report.in(SearchParameterCheck.State.NOT_ACTIVE)).isEmpty();
        assertThat(report.entries()).hasSize(contract.searchParameters().stream().mapToInt(sp -> sp.getBase().size()).sum());
        Map<String, List<String>> stored = new HashMap<>();
        for (IBaseResource r : daos.getResourceDao("SearchParameter")
                .search(SearchParameterMap.newSynchronous(), new SystemRequestDetails()).getAllResources()) {
            SearchParameter sp = (SearchParameter) r;
            if (sp.getUrl().startsWith("http://hl7.org/fhir/us/core/")) {
                sp.getBase().forEach(b -> stored.computeIfAbsent(b.getValue() + "." + sp.getCode(), k -> new ArrayList<>())
                        .add(sp.getVersion()));
            }
        }
        assertThat(stored).hasSize(report.entries().size());
        stored.forEach((key, versions) -> assertThat(versions).as(key).containsExactly("7.0.0"));
    }

    @Test
    void whenStartedThenBothUsCoreVersionsOfAProfileResolve() {
        for (String version : List.of("6.1.0", "7.0.0")) {
            IBaseResource sd = validationSupport.fetchStructureDefinition(US_CORE_SD + "us-core-patient|" + version);
            assertThat(sd).as(version).isNotNull();
            assertThat(((StructureDefinition) sd).getVersion()).isEqualTo(version);
        }
        IBaseResource latest = validationSupport.fetchStructureDefinition(US_CORE_SD + "us-core-patient");
        assertThat(((StructureDefinition) latest).getVersion()).isEqualTo("7.0.0");
        // a 7.0.0-only profile
        assertThat(validationSupport.fetchStructureDefinition(US_CORE_SD + "us-core-average-blood-pressure|6.1.0")).isNull();
    }

    @Test
    void whenInstalledAgainThenEveryPackageIsSkippedQuickly() {
        long start = System.nanoTime();
        List<FhirPackages.Installed> again = packages.installAll();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(again).hasSize(2).allMatch(FhirPackages.Installed::alreadyInstalled);
        System.out.printf("FHIR packages on a restart: %d ms (%s)%n", millis,
                again.stream().map(i -> i.pkg().id() + " " + i.millis() + " ms").toList());
    }
}
