package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portico.smart.claims.SmartClaims;

/**
 * Sensitive data (ADR 0019): a resource labelled with a sensitivity the grant does not list is absent on
 * every path (search and its total, POST search, includes, {@code $everything}, history; read and vread
 * answer exactly as for an id that does not exist); a grant that lists the label sees it; a
 * {@code system/} token sees everything; a malformed claim is an invalid token.
 */
class SensitiveDataIT extends AuthzItSupport {

    static final String PSY = SensitiveData.ACT_CODE + "|PSY";
    static final String SCOPES = "patient/Patient.rs patient/Condition.rs patient/Observation.rs";

    /** A patient of this test's own: the shared patients A and B carry other tests' data. */
    static String c;
    static String psyCondition;
    static String ethCondition;
    /** labelled, but not sensitive: test data (v3-ActReason HTEST) */
    static String testDataCondition;
    static String restrictedObservation;
    static String plainCondition;

    @BeforeEach
    void labelledData() {
        synchronized (SensitiveDataIT.class) {
            if (psyCondition == null) {
                org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
                patient.addName().setFamily("Sensitive").addGiven("Casey");
                c = create(patient);
                Condition psy = condition("Depressive episode");
                psy.getMeta().addSecurity(new Coding(SensitiveData.ACT_CODE, "PSY", "psychiatry information sensitivity"));
                psyCondition = create(psy);
                Condition eth = condition("Alcohol use disorder");
                eth.getMeta().addSecurity(new Coding(SensitiveData.ACT_CODE, "ETH", "substance abuse information sensitivity"));
                ethCondition = create(eth);
                Condition testData = condition("Test record");
                testData.getMeta().addSecurity(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST", "test health data"));
                testDataCondition = create(testData);
                Observation restricted = new Observation();
                restricted.setStatus(Observation.ObservationStatus.FINAL);
                restricted.setCode(new CodeableConcept(new Coding("http://loinc.org", "5221-7", "HIV 1 Ab")));
                restricted.addCategory(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory")));
                restricted.setSubject(new Reference("Patient/" + c));
                restricted.getMeta().addSecurity(new Coding(SensitiveData.CONFIDENTIALITY, "R", "restricted"));
                restrictedObservation = create(restricted);
                plainCondition = create(condition("Sprained ankle"));
            }
        }
    }

    private Condition condition(String text) {
        Condition condition = new Condition();
        condition.setCode(new CodeableConcept().setText(text));
        condition.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", null)));
        condition.setSubject(new Reference("Patient/" + c));
        return condition;
    }

    private String create(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return daos.getResourceDao(resource.fhirType()).create(resource, new SystemRequestDetails()).getId().getIdPart();
    }

    private String token(String patientId, String scope, List<String> sensitive) {
        JWTClaimsSet.Builder claims = TOKENS.claims(patientId, scope).expirationTime(Date.from(Instant.now().plusSeconds(3600)));
        if (sensitive != null) {
            claims.claim(SmartClaims.SENSITIVE, sensitive);
        }
        return TOKENS.sign(claims.build());
    }

    private static List<String> ids(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : json(r).path("entry")) {
            ids.add(entry.path("resource").path("resourceType").asText() + "/" + entry.path("resource").path("id").asText());
        }
        return ids;
    }

    @Test
    void whenTheGrantDoesNotListTheLabelThenEverySearchLeavesItOutAndCountsOnlyTheRest() throws Exception {
        String token = token(c, SCOPES, null);
        HttpResponse<String> search = get("/Condition?patient=" + c + "&_total=accurate&_count=500", token);
        List<String> found = ids(search);
        assertThat(found).contains("Condition/" + plainCondition)
                .doesNotContain("Condition/" + psyCondition, "Condition/" + ethCondition);
        assertThat(json(search).path("total").asInt()).as("the total counts only what the token may see").isEqualTo(found.size());

        assertThat(ids(send("POST", "/Condition/_search", token, "patient=" + c + "&_count=500")))
                .contains("Condition/" + plainCondition).doesNotContain("Condition/" + psyCondition);
        assertThat(ids(get("/Observation?patient=" + c + "&code=http://loinc.org%7C5221-7", token))).isEmpty();
        // the client cannot undo the narrowing by asking for the label
        assertThat(ids(get("/Condition?patient=" + c + "&_security=" + PSY.replace("|", "%7C"), token))).isEmpty();
        // a label outside the sensitive set is no reason to withhold; the client's own :not stays in force
        assertThat(found).contains("Condition/" + testDataCondition);
        assertThat(ids(get("/Condition?patient=" + c + "&_count=500&_security:not=http://terminology.hl7.org/CodeSystem/v3-ActReason%7CHTEST", token)))
                .contains("Condition/" + plainCondition).doesNotContain("Condition/" + psyCondition, "Condition/" + testDataCondition);
        // includes and $everything
        assertThat(ids(get("/Patient?_id=" + c + "&_revinclude=Condition:subject&_count=500", token)))
                .contains("Condition/" + plainCondition).doesNotContain("Condition/" + psyCondition);
        String everything = token(c, "patient/*.rs", null);
        List<String> all = new ArrayList<>();
        HttpResponse<String> page = get("/Patient/" + c + "/$everything?_count=1000", everything);
        all.addAll(ids(page));
        assertThat(all).contains("Condition/" + plainCondition)
                .doesNotContain("Condition/" + psyCondition, "Observation/" + restrictedObservation);
    }

    @Test
    void whenTheGrantDoesNotListTheLabelThenAReadIsANotFoundLikeAnUnknownId() throws Exception {
        String token = token(c, SCOPES, null);
        HttpResponse<String> hidden = get("/Condition/" + psyCondition, token);
        HttpResponse<String> unknown = get("/Condition/no-such-condition-x", token);
        // an id the token may not know exists answers as a denial does (ScopeAuthorizationInterceptor)
        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(hidden.statusCode()).isEqualTo(unknown.statusCode());
        assertThat(hidden.body().replace(psyCondition, "ID")).isEqualTo(unknown.body().replace("no-such-condition-x", "ID"));
        assertThat(get("/Condition/" + psyCondition + "/_history/1", token).statusCode()).isEqualTo(403);
        assertThat(get("/Observation/" + restrictedObservation, token).statusCode()).isEqualTo(403);
        HttpResponse<String> history = get("/Condition/" + psyCondition + "/_history", token);
        assertThat(history.statusCode()).isEqualTo(403);
        assertThat(history.body()).doesNotContain("Depressive");
        // the unlabelled twin reads as usual
        assertThat(get("/Condition/" + plainCondition, token).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheGrantListsTheLabelThenThatLabelIsSeenAndNoOther() throws Exception {
        String token = token(c, SCOPES, List.of(PSY));
        assertThat(get("/Condition/" + psyCondition, token).statusCode()).isEqualTo(200);
        assertThat(ids(get("/Condition?patient=" + c + "&_count=500", token)))
                .contains("Condition/" + psyCondition).doesNotContain("Condition/" + ethCondition);
        assertThat(get("/Observation/" + restrictedObservation, token).statusCode()).isEqualTo(403);
        // patient B's grant listing the label still sees nothing of A
        assertThat(get("/Condition/" + psyCondition, token(b.id(), SCOPES, List.of(PSY))).statusCode()).isEqualTo(403);
    }

    @Test
    void whenTheTokenIsServerWideThenNothingIsWithheld() throws Exception {
        String system = token(null, "system/Condition.rs system/Observation.rs", null);
        assertThat(get("/Condition/" + psyCondition, system).statusCode()).isEqualTo(200);
        assertThat(get("/Observation/" + restrictedObservation, system).statusCode()).isEqualTo(200);
        assertThat(ids(get("/Condition?patient=" + c + "&_count=500", system))).contains("Condition/" + psyCondition);
    }

    @Test
    void whenTheClaimIsMalformedThenTheTokenIsRefused() throws Exception {
        JWTClaimsSet.Builder notAList = TOKENS.claims(c, SCOPES).claim(SmartClaims.SENSITIVE, PSY);
        assertThat(get("/Condition/" + plainCondition, TOKENS.sign(notAList.build())).statusCode()).isEqualTo(401);
        assertThat(get("/Condition/" + plainCondition, token(c, SCOPES, List.of("PSY"))).statusCode()).isEqualTo(401);
    }
}
