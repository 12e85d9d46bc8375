package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Security labels at ingest and hidden on every path (issue 9, ADR 0019 items 6-7, ADR 0021), with the
 * family data set ({@code /family}): the 15-year-old's confidential care is sent without labels, the
 * rules label it from its codes, the report says which rule labelled what, a resend changes nothing;
 * then, for a token without the labels (a parent's, an app the patient did not allow), each path leaves
 * the labelled resources out, and a token whose grant lists them gets them unchanged.
 */
class SecurityLabelsIT extends IngestItSupport {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, "labels");
    }

    static final String CLIENT = "family-clinic-ehr";
    static final String SOURCE_URI = "https://family-clinic.example.org/fhir";
    static final String ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String CONF = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    static final List<String> ALL_SENSITIVE = List.of(CONF + "|R", ACT + "|ETH", ACT + "|SUD", ACT + "|PSY", ACT + "|SEX",
            ACT + "|STD", ACT + "|HIV");

    /** Set once: the teen's unified Patient, the first report, and stored ids by what they are. */
    static String teen;
    static String child;
    static JsonNode teenReport;
    static Map<String, String> hidden = new LinkedHashMap<>();
    static Map<String, String> visible = new LinkedHashMap<>();
    static long versionsAfterFirstSend;

    @BeforeEach
    void family() throws Exception {
        synchronized (SecurityLabelsIT.class) {
            if (teen != null) {
                return;
            }
            register("Family clinic", SOURCE_URI, CLIENT, "urn:oid:2.16.840.1.113883.19.5.99", "urn:oid:2.16.840.1.113883.19.5.1");
            HttpResponse<String> r = push(resource("/family/teen-15.json"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            teenReport = json(r);
            HttpResponse<String> c = push(resource("/family/child-8.json"));
            assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
            JsonNode input = JSON.readTree(resource("/family/teen-15.json"));
            teen = unifiedOfReport(teenReport);
            child = unifiedOfReport(json(c));
            // the confidential entries are the last seven of the bundle (family.json)
            int n = input.path("entry").size();
            String[] names = {"encounter", "psy-condition", "sud-condition", "contraceptive-procedure", "implant-request", "hiv-test", "sti-report"};
            for (int i = 0; i < names.length; i++) {
                hidden.put(names[i], storedOfEntry(teenReport, "Bundle.entry[" + (n - names.length + i) + "]"));
            }
            // a second unit: a visit whose encounter reasons are sensitive, a weight taken there (not sensitive),
            // a Condition whose source sent a SUD label itself, and a clinical note the source labelled
            JsonNode second = json(push(secondUnit()));
            visible.put("weight", storedOfEntry(second, "Bundle.entry[1]"));
            hidden.put("visit", storedOfEntry(second, "Bundle.entry[0]"));
            hidden.put("source-labelled-condition", storedOfEntry(second, "Bundle.entry[2]"));
            hidden.put("note", storedOfEntry(second, "Bundle.entry[3]"));
            for (JsonNode entry : input.path("entry")) {
                if (entry.path("resource").path("resourceType").asText().equals("Immunization")) {
                    visible.put("immunization", storedOfEntry(teenReport, labelOf(input, entry)));
                    break;
                }
            }
            versionsAfterFirstSend = versions();
        }
    }

    // --- ingest ---

    @Test
    void whenTheTeensBundleIsIngestedThenTheRulesLabelTheConfidentialCareFromItsCodes() throws Exception {
        String system = backend("reader", "system/*.rs");
        assertThat(securityOf(get("/" + hidden.get("psy-condition"), system))).containsExactlyInAnyOrder(ACT + "|PSY", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("sud-condition"), system))).containsExactlyInAnyOrder(ACT + "|ETH", ACT + "|SUD", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("encounter"), system))).containsExactlyInAnyOrder(ACT + "|PSY", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("contraceptive-procedure"), system))).containsExactlyInAnyOrder(ACT + "|SEX", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("implant-request"), system))).containsExactlyInAnyOrder(ACT + "|SEX", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("hiv-test"), system))).containsExactlyInAnyOrder(ACT + "|HIV", CONF + "|R");
        assertThat(securityOf(get("/" + hidden.get("sti-report"), system))).containsExactlyInAnyOrder(ACT + "|STD", CONF + "|R");
        assertThat(securityOf(get("/" + visible.get("immunization"), system))).isEmpty();

        // the report names the rules' version and, per entry, the rule and the labels
        assertThat(parameter(teenReport, "label-rules")).startsWith("portico-security-label-rules|");
        Map<String, List<String>> labelledBy = labelledBy(teenReport);
        assertThat(labelledBy.values().stream().flatMap(List::stream).toList())
                .contains("mental-health-icd10cm: PSY, R", "sud-icd10cm: ETH, SUD, R", "reproductive-health-snomed: SEX, R",
                        "contraception-rxnorm: SEX, R", "hiv-loinc: HIV, R", "sti-snomed: STD, R");
        assertThat(labelledBy).hasSize(7);
    }

    @Test
    void whenASourceSentLabelsThenTheyAreKeptAndNoneIsDuplicated() throws Exception {
        String system = backend("reader", "system/*.rs");
        JsonNode condition = json(get("/" + hidden.get("source-labelled-condition"), system));
        assertThat(securityOf(condition)).containsExactlyInAnyOrder(ACT + "|SUD", ACT + "|ETH", CONF + "|R");
        // (the display is the one HAPI's tag table first stored for the code: the label is the code)
        // no rule reads a DocumentReference: the source's own labels are what it carries
        assertThat(securityOf(json(get("/" + hidden.get("note"), system)))).containsExactlyInAnyOrder(ACT + "|PSY", CONF + "|R");
    }

    @Test
    void whenTheSameDataIsSentAgainThenNoNewVersionAndTheReportStillNamesTheRules() throws Exception {
        long before = versions();
        HttpResponse<String> again = push(resource("/family/teen-15.json"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode report = json(again);
        assertThat(count(report, "created")).as(report.toString()).isZero();
        assertThat(count(report, "updated")).as(updatedHistories(report)).isZero();
        assertThat(versions()).isEqualTo(before);
        assertThat(labelledBy(report)).hasSize(7);
        HttpResponse<String> secondAgain = push(secondUnit());
        assertThat(count(json(secondAgain), "updated") + count(json(secondAgain), "created")).as(secondAgain.body()).isZero();
        assertThat(versions()).isEqualTo(before);
    }

    // --- hidden on every path ---

    private String withoutLabels() {
        return patientToken(teen, "patient/*.rs");
    }

    private String withLabels() {
        return sensitive(teen, "patient/*.rs", ALL_SENSITIVE);
    }

    static String sensitive(String patient, String scope, List<String> labels) {
        return TOKENS.sign(TOKENS.claims(patient, scope).claim(SmartClaims.SENSITIVE, labels)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
    }

    @Test
    void whenTheTokenLacksTheLabelsThenReadVreadAndInstanceHistoryAnswerAsForAnUnknownId() throws Exception {
        String token = withoutLabels();
        for (String ref : hidden.values()) {
            String type = ref.substring(0, ref.indexOf('/'));
            String unknownBody = get("/" + type + "/no-such-id-x", token).body().replace("no-such-id-x", "ID");
            HttpResponse<String> read = get("/" + ref, token);
            assertThat(read.statusCode()).as(ref).isEqualTo(403);
            assertThat(read.body().replace(idOf(ref), "ID")).as(ref).isEqualTo(unknownBody);
            assertThat(get("/" + ref + "/_history/1", token).statusCode()).as(ref).isEqualTo(403);
            assertThat(get("/" + ref + "/_history", token).statusCode()).as(ref).isEqualTo(403);
        }
        assertThat(get("/" + visible.get("weight"), token).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheGrantListsTheLabelsThenReadsAnswerTheResourceUnchanged() throws Exception {
        String system = backend("reader", "system/*.rs");
        for (String ref : hidden.values()) {
            HttpResponse<String> read = get("/" + ref, withLabels());
            assertThat(read.statusCode()).as(ref).isEqualTo(200);
            assertThat(json(read)).as(ref).isEqualTo(json(get("/" + ref, system)));
            assertThat(get("/" + ref + "/_history/1", withLabels()).statusCode()).as(ref).isEqualTo(200);
        }
        // one label granted is that label only: the PSY condition, not the SUD one
        String psyOnly = sensitive(teen, "patient/*.rs", List.of(CONF + "|R", ACT + "|PSY"));
        assertThat(get("/" + hidden.get("psy-condition"), psyOnly).statusCode()).isEqualTo(200);
        assertThat(get("/" + hidden.get("sud-condition"), psyOnly).statusCode()).isEqualTo(403);
    }

    @Test
    void whenTheTokenLacksTheLabelsThenTypeAndSystemHistoryHoldNoneOfThem() throws Exception {
        for (String path : List.of("/Condition/_history?_count=500", "/Observation/_history?_count=500", "/_history?_count=500")) {
            HttpResponse<String> r = get(path, withoutLabels());
            assertThat(r.statusCode()).as(path + " " + r.body()).isIn(200, 403);
            assertNoneHidden(path, r.body());
        }
    }

    @Test
    void whenTheTokenLacksTheLabelsThenSearchesGetAndPostLeaveThemOutAndCountOnlyTheRest() throws Exception {
        for (String type : List.of("Condition", "Observation", "Encounter", "Procedure", "MedicationRequest", "DiagnosticReport",
                "DocumentReference")) {
            HttpResponse<String> without = get("/" + type + "?patient=" + teen + "&_count=500&_total=accurate", withoutLabels());
            assertThat(without.statusCode()).as(type + without.body()).isEqualTo(200);
            assertNoneHidden(type, without.body());
            List<String> shown = ids(without);
            assertThat(json(without).path("total").asInt()).as(type).isEqualTo(shown.size());
            HttpResponse<String> posted = post("/" + type + "/_search", withoutLabels(), "application/x-www-form-urlencoded",
                    "patient=" + teen + "&_count=500");
            assertThat(posted.statusCode()).isEqualTo(200);
            assertNoneHidden(type + " POST", posted.body());

            List<String> all = ids(get("/" + type + "?patient=" + teen + "&_count=500", withLabels()));
            List<String> ofType = hidden.values().stream().filter(r -> r.startsWith(type + "/")).toList();
            assertThat(all).as(type).containsAll(ofType).containsAll(shown);
            // _summary=count tells no more than the search
            int countWithout = json(get("/" + type + "?patient=" + teen + "&_summary=count", withoutLabels())).path("total").asInt();
            int countWith = json(get("/" + type + "?patient=" + teen + "&_summary=count", withLabels())).path("total").asInt();
            assertThat(countWithout).as(type).isEqualTo(shown.size());
            assertThat(countWith).as(type).isEqualTo(shown.size() + ofType.size());
        }
        assertThat(ids(get("/Observation?patient=" + teen + "&code=http://loinc.org%7C7917-8", withoutLabels()))).isEmpty();
        assertThat(ids(get("/Observation?patient=" + teen + "&code=http://loinc.org%7C7917-8", withLabels()))).containsExactly(hidden.get("hiv-test"));
    }

    @Test
    void whenTheTokenLacksTheLabelsThenIncludesAndRevincludesLeaveThemOut() throws Exception {
        String include = "/Observation?patient=" + teen + "&_id=" + idOf(visible.get("weight")) + "&_include=Observation:encounter";
        List<String> without = ids(get(include, withoutLabels()));
        assertThat(without).containsExactly(visible.get("weight"));
        assertThat(ids(get(include, withLabels()))).containsExactlyInAnyOrder(visible.get("weight"), hidden.get("visit"));

        String revinclude = "/Patient?_id=" + teen + "&_revinclude=Condition:subject&_revinclude=Encounter:subject"
                + "&_revinclude:iterate=Observation:encounter&_revinclude:iterate=Procedure:encounter&_count=500";
        HttpResponse<String> r = get(revinclude, withoutLabels());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertNoneHidden(revinclude, r.body());
        assertThat(ids(get(revinclude, withLabels()))).contains(hidden.get("psy-condition"), hidden.get("visit"),
                hidden.get("contraceptive-procedure"), visible.get("weight"));
        String iterate = "/Observation?_id=" + idOf(visible.get("weight")) + "&_include=Observation:encounter"
                + "&_include:iterate=Encounter:reason-reference&_include:iterate=Encounter:patient";
        HttpResponse<String> it = get(iterate, withoutLabels());
        assertThat(it.statusCode()).as(it.body()).isEqualTo(200);
        assertNoneHidden(iterate, it.body());
    }

    @Test
    void whenTheTokenLacksTheLabelsThenEverythingLeavesThemOut() throws Exception {
        HttpResponse<String> without = get("/Patient/" + teen + "/$everything?_count=1000", withoutLabels());
        assertThat(without.statusCode()).as(without.body()).isEqualTo(200);
        assertNoneHidden("$everything", without.body());
        assertThat(ids(without)).contains(visible.get("weight"), visible.get("immunization"));
        assertThat(ids(get("/Patient/" + teen + "/$everything?_count=1000", withLabels()))).containsAll(hidden.values());
    }

    @Test
    void whenTheTokenLacksTheLabelsThenHasAndChainsCannotTellTheyExist() throws Exception {
        String has = "/Patient?_has:Condition:patient:code=" + enc("http://hl7.org/fhir/sid/icd-10-cm|F10.10");
        HttpResponse<String> r = get(has, withoutLabels());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 403);
        if (r.statusCode() == 200) {
            assertThat(ids(r)).doesNotContain("Patient/" + teen);
        }
        // the same search over a visible resource type answers as it does for anyone: the refusal tells nothing
        HttpResponse<String> control = get("/Patient?_has:Immunization:patient:status=completed", withoutLabels());
        assertThat(control.statusCode()).isEqualTo(r.statusCode());
        assertThat(control.body().replace("Immunization", "X").replace("completed", "Y"))
                .isEqualTo(r.body().replace("Condition", "X").replace(enc("http://hl7.org/fhir/sid/icd-10-cm|F10.10"), "Y"));
        // a token that may see every label searches as any other (the refusal is for tokens with withheld labels)
        String everyLabel = sensitive(teen, "patient/*.rs", List.copyOf(org.portico.fhir.authz.SensitiveData.LABELS));
        assertThat(ids(get(has, everyLabel))).containsExactly("Patient/" + teen);

        String chain = "/Observation?patient=" + teen + "&encounter.reason-code=" + enc("http://hl7.org/fhir/sid/icd-10-cm|F32.9");
        HttpResponse<String> chained = get(chain, withoutLabels());
        assertThat(chained.statusCode()).as(chained.body()).isIn(200, 403);
        if (chained.statusCode() == 200) {
            assertThat(ids(chained)).doesNotContain(visible.get("weight"));
        }
        assertThat(ids(get(chain, everyLabel))).contains(visible.get("weight"));
    }

    @Test
    void whenTheTokenWithholdsOnlyLabelsNoResourceCarriesThenChainsWorkUntilTheDataHoldsOne() throws Exception {
        // the patient shared every class of the consent page; V (very restricted), BH and SDV, which that
        // token does not carry, are on no stored resource: a chain cannot look into anything hidden
        String chain = "/Observation?patient=" + teen + "&encounter.reason-code=" + enc("http://hl7.org/fhir/sid/icd-10-cm|F32.9");
        HttpResponse<String> allowed = get(chain, withLabels());
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(ids(allowed)).contains(visible.get("weight"));

        // a source sends someone else's resource labelled V: from then on the same token's chains are refused
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        ArrayNode entries = bundle.putArray("entry");
        ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", "vr-patient-1");
        patient.putArray("name").addObject().put("family", "Quennell-Vr").putArray("given").add("Odile");
        patient.put("birthDate", "1961-03-14").put("gender", "female");
        ObjectNode note = JSON.createObjectNode().put("resourceType", "Observation").put("id", "vr-obs-1").put("status", "final");
        note.putObject("meta").putArray("security").addObject().put("system", CONF).put("code", "V");
        note.putObject("code").putArray("coding").addObject().put("system", "http://loinc.org").put("code", "29463-7").put("display", "Body weight");
        note.putObject("subject").put("reference", "Patient/vr-patient-1");
        note.put("effectiveDateTime", "2026-11-02T09:10:00-05:00");
        for (ObjectNode resource : List.of(patient, note)) {
            ObjectNode entry = entries.addObject();
            entry.set("resource", resource);
            entry.putObject("request").put("method", "PUT").put("url", resource.path("resourceType").asText() + "/" + resource.path("id").asText());
        }
        HttpResponse<String> pushed = push(bundle.toString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        HttpResponse<String> refused = get(chain, withLabels());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        // a token that may see every label still chains
        assertThat(ids(get(chain, sensitive(teen, "patient/*.rs", List.copyOf(org.portico.fhir.authz.SensitiveData.LABELS)))))
                .contains(visible.get("weight"));
    }

    @Test
    void whenTheTokenLacksTheLabelsThenNoProvenanceItSeesNamesAHiddenResource() throws Exception {
        HttpResponse<String> r = get("/Provenance?patient=" + teen + "&_count=500", withoutLabels());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(ids(r)).isNotEmpty();
        assertNoneHidden("Provenance", r.body());
        HttpResponse<String> rev = get("/Condition?patient=" + teen + "&_revinclude=Provenance:target&_count=500", withoutLabels());
        assertNoneHidden("Provenance revinclude", rev.body());
        // the labelled targets' Provenance carries their labels and is there, by its targets, for a token that sees them
        List<String> all = new ArrayList<>();
        for (String type : List.of("Condition", "Encounter", "Procedure", "MedicationRequest", "Observation", "DiagnosticReport",
                "DocumentReference")) {
            for (JsonNode e : json(get("/" + type + "?patient=" + teen + "&_revinclude=Provenance:target&_count=500", withLabels())).path("entry")) {
                if (e.path("resource").path("resourceType").asText().equals("Provenance")) {
                    String targets = e.path("resource").path("target").toString();
                    all.add(targets);
                    if (hidden.values().stream().anyMatch(ref -> targets.contains("\"" + ref + "\""))) {
                        assertThat(securityOf(e.path("resource"))).as("a Provenance naming labelled resources carries labels")
                                .contains(CONF + "|R");
                    }
                }
            }
        }
        for (String ref : hidden.values()) {
            assertThat(String.join(" ", all)).as(ref).contains("\"" + ref + "\"");
        }
    }

    @Test
    void whenAPatientBoundTokenAsksForABulkExportThenItIsRefusedWhateverItsLabels() throws Exception {
        for (String path : List.of("/Patient/" + teen + "/$export", "/Patient/$export", "/$export")) {
            HttpResponse<String> r = getAsync(path, withoutLabels());
            assertThat(r.statusCode()).as(path + r.body()).isEqualTo(403);
            assertThat(getAsync(path, withLabels()).statusCode()).as(path).isEqualTo(403);
        }
    }

    @Test
    void whenTheTokenLacksTheLabelsThenTheNotesContentIsNotServed() throws Exception {
        HttpResponse<String> r = get("/DocumentReference?patient=" + teen + "&_count=500", withoutLabels());
        assertThat(r.body()).doesNotContain(NOTE_TEXT_BASE64);
        assertThat(get("/" + hidden.get("note"), withoutLabels()).body()).doesNotContain(NOTE_TEXT_BASE64);
        assertThat(get("/" + hidden.get("note"), withLabels()).body()).contains(NOTE_TEXT_BASE64);
    }

    @Test
    void whenAnotherChildsTokenOrTheChildsOwnThenNothingOfTheTeenWhateverTheLabels() throws Exception {
        String childToken = sensitive(child, "patient/*.rs", ALL_SENSITIVE);
        for (String ref : hidden.values()) {
            assertThat(get("/" + ref, childToken).statusCode()).as(ref).isEqualTo(403);
        }
        assertThat(get("/" + visible.get("weight"), childToken).statusCode()).isEqualTo(403);
    }

    // --- proxy audit ---

    @Test
    void whenAProxyReadsThenTheAuditEventNamesTheProxyAndThePatientAndThePatientsLogShowsIt() throws Exception {
        String proxy = TestTokens.FHIR_BASE + "/RelatedPerson/parent-of-teen";
        String parentToken = TOKENS.sign(TOKENS.claims(teen, "patient/*.rs").subject("parent-login")
                .claim(SmartClaims.CLIENT_ID, "family-portal").claim(SmartClaims.FHIR_USER, proxy)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        HttpResponse<String> read = get("/Patient/" + teen, parentToken);
        assertThat(read.statusCode()).isEqualTo(200);
        String requestId = read.headers().firstValue("X-Request-ID").orElseThrow();
        // the proxy's own hidden-data view is the parent's: a labelled resource answers as unknown
        assertThat(get("/" + hidden.get("psy-condition"), parentToken).statusCode()).isEqualTo(403);

        HttpResponse<String> log = get("/AuditEvent?patient=" + teen + "&_count=500", patientToken(teen, "patient/AuditEvent.rs"));
        assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
        JsonNode event = null;
        for (JsonNode e : json(log).path("entry")) {
            if (e.path("resource").path("entity").toString().contains(requestId)) {
                event = e.path("resource");
            }
        }
        assertThat(event).as("the proxy's read is in the patient's access log").isNotNull();
        JsonNode human = null;
        for (JsonNode agent : event.path("agent")) {
            if (agent.path("requestor").asBoolean()) {
                human = agent;
            }
        }
        assertThat(human).as("a requestor agent").isNotNull();
        assertThat(human.path("altId").asText()).isEqualTo(proxy);
        assertThat(human.path("who").path("type").asText()).isEqualTo("RelatedPerson");
        assertThat(human.path("who").path("identifier").path("value").asText()).isEqualTo("parent-login");
        assertThat(event.path("entity").toString()).contains("\"Patient/" + teen + "\"");
        assertThat(event.path("agent").toString()).contains("family-portal");
        // the other child's log does not hold it
        HttpResponse<String> childLog = get("/AuditEvent?patient=" + child + "&_count=500", patientToken(child, "patient/AuditEvent.rs"));
        assertThat(childLog.statusCode()).isEqualTo(200);
        assertThat(childLog.body()).doesNotContain(requestId);
    }

    // --- helpers ---

    static final String NOTE_TEXT_BASE64 = java.util.Base64.getEncoder()
            .encodeToString("Confidential counselling note (test data).".getBytes(StandardCharsets.UTF_8));

    /** Four resources of the teen, sent by the same source after the bundle. */
    private String secondUnit() throws Exception {
        ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
        ArrayNode entries = bundle.putArray("entry");
        String patientRef = "Patient/" + teenSourcePatientId();
        ObjectNode visit = JSON.createObjectNode().put("resourceType", "Encounter").put("id", "visit-2026-11").put("status", "finished");
        visit.putObject("class").put("system", ACT).put("code", "AMB");
        visit.putObject("subject").put("reference", patientRef);
        visit.putArray("reasonCode").addObject().putArray("coding").addObject()
                .put("system", "http://hl7.org/fhir/sid/icd-10-cm").put("code", "F32.9").put("display", "Major depressive disorder, single episode, unspecified");
        visit.putObject("period").put("start", "2026-11-02T09:00:00-05:00");
        ObjectNode weight = JSON.createObjectNode().put("resourceType", "Observation").put("id", "weight-2026-11").put("status", "final");
        weight.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", "vital-signs");
        weight.putObject("code").putArray("coding").addObject().put("system", "http://loinc.org").put("code", "29463-7").put("display", "Body weight");
        weight.putObject("subject").put("reference", patientRef);
        weight.putObject("encounter").put("reference", "Encounter/visit-2026-11");
        weight.put("effectiveDateTime", "2026-11-02T09:10:00-05:00");
        weight.putObject("valueQuantity").put("value", 55.2).put("unit", "kg").put("system", "http://unitsofmeasure.org").put("code", "kg");
        ObjectNode sud = JSON.createObjectNode().put("resourceType", "Condition").put("id", "oud-2026-11");
        sud.putObject("meta").putArray("security").addObject().put("system", ACT).put("code", "SUD").put("display", "as the source sent it");
        sud.putObject("code").putArray("coding").addObject().put("system", "http://hl7.org/fhir/sid/icd-10-cm").put("code", "F11.20")
                .put("display", "Opioid dependence, uncomplicated");
        sud.putObject("subject").put("reference", patientRef);
        sud.put("recordedDate", "2026-11-02");
        ObjectNode note = JSON.createObjectNode().put("resourceType", "DocumentReference").put("id", "note-2026-11").put("status", "current");
        ArrayNode security = note.putObject("meta").putArray("security");
        security.addObject().put("system", CONF).put("code", "R");
        security.addObject().put("system", ACT).put("code", "PSY");
        note.putObject("type").putArray("coding").addObject().put("system", "http://loinc.org").put("code", "11506-3").put("display", "Progress note");
        note.putObject("subject").put("reference", patientRef);
        note.putArray("content").addObject().putObject("attachment").put("contentType", "text/plain").put("data", NOTE_TEXT_BASE64);
        for (ObjectNode resource : List.of(visit, weight, sud, note)) {
            ObjectNode entry = entries.addObject();
            entry.set("resource", resource);
            entry.putObject("request").put("method", "PUT").put("url", resource.path("resourceType").asText() + "/" + resource.path("id").asText());
        }
        return bundle.toString();
    }

    /** The stored histories of the report's updated entries (what changed on a resend). */
    private String updatedHistories(JsonNode report) throws Exception {
        StringBuilder out = new StringBuilder();
        for (JsonNode p : report.path("parameter")) {
            if (p.path("name").asText().equals("entry") && p.toString().contains("\"updated\"")) {
                for (JsonNode part : p.path("part")) {
                    if (part.path("name").asText().equals("resource")) {
                        out.append(get("/" + part.path("valueReference").path("reference").asText() + "/_history",
                                backend("reader", "system/*.rs")).body()).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** The teen's Patient id as the source knows it (its id in the bundle). */
    private static String teenSourcePatientId() throws Exception {
        for (JsonNode entry : JSON.readTree(resource("/family/teen-15.json")).path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("Patient")) {
                return entry.path("resource").path("id").asText();
            }
        }
        throw new AssertionError("no Patient");
    }

    private HttpResponse<String> push(String bundle) throws Exception {
        return post("/$ingest", backend(CLIENT, SOURCE_SCOPE), FHIR_JSON, bundle);
    }

    private HttpResponse<String> getAsync(String path, String token) throws Exception {
        java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                .header("Accept", FHIR_JSON).header("Prefer", "respond-async").header("Authorization", "Bearer " + token);
        return HTTP.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * No hidden resource is an entry, no entry carries a sensitivity label, and no Provenance names a hidden
     * resource. (A visible resource's own reference to a hidden one, the weight's encounter, is its data
     * as the source sent it; the id answers as an unknown id.)
     */
    private void assertNoneHidden(String what, String body) throws Exception {
        JsonNode bundle = JSON.readTree(body);
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            String ref = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
            assertThat(hidden.values()).as(what + " holds " + ref).doesNotContain(ref);
            assertThat(resource.path("meta").path("security").toString()).as(what + " " + ref)
                    .doesNotContain("\"" + ACT + "\"").doesNotContain("\"" + CONF + "\"");
            if (resource.path("resourceType").asText().equals("Provenance")) {
                for (String hiddenRef : hidden.values()) {
                    assertThat(resource.path("target").toString()).as(what + " " + ref + " names " + hiddenRef)
                            .doesNotContain("\"" + hiddenRef + "\"");
                }
            }
        }
    }

    static String idOf(String ref) {
        return ref.substring(ref.indexOf('/') + 1);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static List<String> ids(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : json(r).path("entry")) {
            ids.add(entry.path("resource").path("resourceType").asText() + "/" + entry.path("resource").path("id").asText());
        }
        return ids;
    }

    static List<String> securityOf(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return securityOf(json(r));
    }

    static List<String> securityOf(JsonNode resource) {
        List<String> labels = new ArrayList<>();
        resource.path("meta").path("security").forEach(c -> labels.add(c.path("system").asText() + "|" + c.path("code").asText()));
        return labels;
    }

    static String parameter(JsonNode report, String name) {
        for (JsonNode p : report.path("parameter")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("valueString").asText();
            }
        }
        return null;
    }

    /** entry label -> labelled-by parts */
    static Map<String, List<String>> labelledBy(JsonNode report) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (JsonNode p : report.path("parameter")) {
            if (!p.path("name").asText().equals("entry")) {
                continue;
            }
            String label = null;
            List<String> rules = new ArrayList<>();
            for (JsonNode part : p.path("part")) {
                if (part.path("name").asText().equals("entry")) {
                    label = part.path("valueString").asText();
                }
                if (part.path("name").asText().equals("labelled-by")) {
                    rules.add(part.path("valueString").asText());
                }
            }
            if (!rules.isEmpty()) {
                result.put(label, rules);
            }
        }
        return result;
    }

    static String storedOfEntry(JsonNode report, String label) {
        for (JsonNode p : report.path("parameter")) {
            if (!p.path("name").asText().equals("entry")) {
                continue;
            }
            String entry = null;
            String stored = null;
            for (JsonNode part : p.path("part")) {
                if (part.path("name").asText().equals("entry")) {
                    entry = part.path("valueString").asText();
                }
                if (part.path("name").asText().equals("resource")) {
                    stored = part.path("valueReference").path("reference").asText();
                }
            }
            if (label.equals(entry)) {
                return stored;
            }
        }
        throw new AssertionError("no entry " + label + " in " + report);
    }

    static String labelOf(JsonNode bundle, JsonNode entry) {
        int i = 0;
        for (JsonNode e : bundle.path("entry")) {
            if (e == entry) {
                return "Bundle.entry[" + i + "]";
            }
            i++;
        }
        throw new AssertionError("not in the bundle");
    }

    /** The unified Patient the report created or linked. */
    private String unifiedOfReport(JsonNode report) {
        for (JsonNode p : report.path("parameter")) {
            if (!p.path("name").asText().equals("entry")) {
                continue;
            }
            boolean unified = false;
            String stored = null;
            for (JsonNode part : p.path("part")) {
                if (part.path("name").asText().equals("entry") && part.path("valueString").asText().startsWith("unified Patient of")) {
                    unified = true;
                }
                if (part.path("name").asText().equals("resource")) {
                    stored = part.path("valueReference").path("reference").asText();
                }
            }
            if (unified) {
                return idOf(stored);
            }
        }
        throw new AssertionError("no unified Patient in " + report);
    }
}
