package org.portico.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.junit.jupiter.api.Test;

class BalpAuditEventsTest {

    private static final URI BASE = URI.create("https://fhir.example/fhir");
    private static final URI ISSUER = URI.create("https://auth.example");
    private final BalpAuditEvents balp = new BalpAuditEvents(BASE, ISSUER);

    @Test
    void whenPatientReadSucceedsThenBalpPatientReadWithAllAgentsAndEntities() {
        AuditEvent e = balp.build(record("read", 200, "Observation/o1", List.of("p1"), List.of("Observation/o1")), true);

        assertThat(e.getMeta().getProfile().get(0).getValue()).endsWith("IHE.BasicAudit.PatientRead");
        assertThat(e.getType().getCode()).isEqualTo("rest");
        assertThat(e.getSubtypeFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/restful-interaction");
        assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(e.hasOutcomeDesc()).isFalse();
        assertThat(e.getRecorded()).isEqualTo(java.util.Date.from(Instant.parse("2026-11-27T04:00:00Z")));
        assertThat(e.getSource().getObserver().getDisplay()).isEqualTo(BASE.toString());

        assertThat(e.getAgent()).hasSize(3);
        assertThat(e.getAgent().get(0).getWho().getIdentifier().getValue()).isEqualTo("app-1");
        assertThat(e.getAgent().get(0).getWho().getIdentifier().getSystem()).isEqualTo(ISSUER + "#client_id");
        assertThat(e.getAgent().get(0).getNetwork().getAddress()).isEqualTo("10.0.0.7");
        assertThat(e.getAgent().get(0).getRequestor()).isFalse();
        assertThat(e.getAgent().get(1).getNetwork().getAddress()).isEqualTo(BASE.toString());
        assertThat(e.getAgent().get(2).getWho().getIdentifier().getValue()).isEqualTo("sub-1");
        assertThat(e.getAgent().get(2).getWho().getIdentifier().getSystem()).isEqualTo(ISSUER.toString());
        assertThat(e.getAgent().get(2).getWho().hasReference()).as("the user is never a reference").isFalse();
        assertThat(e.getAgent().get(2).getAltId()).isEqualTo(BASE + "/Patient/p1");
        assertThat(e.getAgent().get(2).getRequestor()).isTrue();

        assertThat(role(e, "1")).extracting(en -> en.getWhat().getReference()).containsExactly("Patient/p1");
        assertThat(role(e, "4")).extracting(en -> en.getWhat().getIdentifier().getValue()).containsExactly("Observation/o1");
        assertThat(role(e, "4")).noneMatch(en -> en.getWhat().hasReference());
        assertThat(e.getEntity()).anySatisfy(en -> {
            assertThat(en.getType().getCode()).isEqualTo("XrequestId");
            assertThat(en.getWhat().getIdentifier().getValue()).isEqualTo("req-1");
            assertThat(en.getDescription()).isEqualTo("GET Observation/o1");
        });
    }

    @Test
    void whenSearchThenPatientQueryWithTheQueryAsSent() {
        AuditEvent e = balp.build(record("search-type", 200, "Observation?patient=p1&category=laboratory",
                List.of("p1"), List.of("Observation/o1", "Observation/o2")), true);

        assertThat(e.getMeta().getProfile().get(0).getValue()).endsWith("IHE.BasicAudit.PatientQuery");
        assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        AuditEventEntityComponent query = role(e, "24").get(0);
        assertThat(new String(query.getQuery(), StandardCharsets.UTF_8))
                .isEqualTo(BASE + "/Observation?patient=p1&category=laboratory");
        assertThat(role(e, "4")).hasSize(2);
    }

    @Test
    void whenNoPatientThenBasicProfiles() {
        assertThat(balp.build(record("read", 200, "Practitioner/d1", List.of(), List.of("Practitioner/d1")), true)
                .getMeta().getProfile().get(0).getValue()).endsWith("IHE.BasicAudit.Read");
        assertThat(balp.build(record("create", 201, "Organization", List.of(), List.of("Organization/x")), true)
                .getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
        assertThat(balp.build(record("delete", 200, "Organization/x", List.of(), List.of("Organization/x")), true)
                .getAction()).isEqualTo(AuditEvent.AuditEventAction.D);
        assertThat(balp.build(record("patch", 200, "Organization/x", List.of(), List.of("Organization/x")), true)
                .getAction()).isEqualTo(AuditEvent.AuditEventAction.U);
    }

    @Test
    void whenDeniedThenFailureOutcomeWithTheReasonAndNoResources() {
        AuditEvent minor = balp.build(record("read", 403, "Observation/other", List.of("p1"), List.of()), true);
        assertThat(minor.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(minor.getOutcomeDesc()).isEqualTo("HTTP 403: denied");
        assertThat(role(minor, "4")).isEmpty();

        AuditEvent serious = balp.build(record("search-type", 500, "Observation", List.of(), List.of()), true);
        assertThat(serious.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    }

    @Test
    void whenInvalidTokenThenUnauthenticatedClientAndNoUser() {
        AuditRecord r = new AuditRecord("id-1", Instant.parse("2026-11-27T04:00:00Z"), "read", 401, "GET", "Patient",
                "Patient/p1", null, null, null, List.of(), List.of(), "10.0.0.7", "req-2", "invalid token");
        AuditEvent e = balp.build(r, true);
        assertThat(e.getAgent()).hasSize(2);
        assertThat(e.getAgent().get(0).getWho().getDisplay()).isEqualTo("unauthenticated caller");
        assertThat(e.getAgent().get(0).getRequestor()).isTrue();
        assertThat(role(e, "1")).isEmpty();
    }

    @Test
    void whenNotLinkedThenIdentifiersInsteadOfReferences() {
        AuditEvent e = balp.build(record("read", 200, "Observation/o1", List.of("p1"), List.of("Observation/o1")), false);
        assertThat(e.getEntity()).noneMatch(en -> en.getWhat().hasReference());
        assertThat(role(e, "1").get(0).getWhat().getIdentifier().getValue()).isEqualTo("Patient/p1");
        assertThat(role(e, "4").get(0).getWhat().getIdentifier().getValue()).isEqualTo("Observation/o1");
    }

    @Test
    void whenAProxyActsForThePatientThenTheHumanAgentIsTheRelatedPersonAndThePatientTheEntity() {
        AuditRecord proxy = new AuditRecord("id-2", Instant.parse("2026-11-27T04:00:00Z"), "read", 200, "GET", "Patient",
                "Patient/teen", "portal", "parent-login", BASE + "/RelatedPerson/rp1", List.of("teen"), List.of("Patient/teen"),
                "10.0.0.7", "req-2", null);
        AuditEvent e = balp.build(proxy, true);
        var human = e.getAgent().stream().filter(a -> a.getRequestor()).findFirst().orElseThrow();
        assertThat(human.getAltId()).isEqualTo(BASE + "/RelatedPerson/rp1");
        assertThat(human.getWho().getType()).isEqualTo("RelatedPerson");
        assertThat(human.getWho().getIdentifier().getValue()).isEqualTo("parent-login");
        assertThat(human.getWho().hasReference()).as("no reference: the event stays out of the proxy's compartment").isFalse();
        assertThat(role(e, "1").get(0).getWhat().getReference()).isEqualTo("Patient/teen");
        // a patient acting for themself is typed as such
        var self = balp.build(record("read", 200, "Observation/o1", List.of("p1"), List.of("Observation/o1")), true)
                .getAgent().stream().filter(a -> a.getRequestor()).findFirst().orElseThrow();
        assertThat(self.getWho().getType()).isEqualTo("Patient");
        assertThat(BalpAuditEvents.userResourceType("not a url")).isNull();
    }

    private static List<AuditEventEntityComponent> role(AuditEvent e, String code) {
        return e.getEntity().stream().filter(en -> code.equals(en.getRole().getCode())).toList();
    }

    private static AuditRecord record(String interaction, int status, String url, List<String> patients, List<String> resources) {
        return new AuditRecord("id-1", Instant.parse("2026-11-27T04:00:00Z"), interaction, status, "GET", null, url,
                "app-1", "sub-1", BASE + "/Patient/p1", patients, resources, "10.0.0.7", "req-1",
                status >= 400 ? "denied" : null);
    }
}
