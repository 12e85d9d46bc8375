package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.fhir.authz.AuthzFixture.ENCOUNTER_DIAGNOSIS;
import static org.portico.fhir.authz.AuthzFixture.LAB;
import static org.portico.fhir.authz.AuthzFixture.PROBLEM;
import static org.portico.fhir.authz.AuthzFixture.VITALS;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * The SMART scope semantics over HTTP, one rule per test, each with its negative twin: v2 letters,
 * v1 forms, granular category scopes on read and search, writes inside and outside the compartment,
 * reference resolution of non-compartment types, and errors that name the missing scope and reveal
 * nothing.
 */
class ScopeEnforcementIT extends AuthzItSupport {

    private static String granular(String type, String value) {
        return "patient/" + type + ".rs?category=" + value;
    }

    // --- v2 letters ---

    @Test
    void whenObservationReadOnlyThenReadButNoSearch() throws Exception {
        String token = tokenA("patient/Observation.r");
        assertThat(get("/Observation/" + a.ids("Observation").get(0), token).statusCode()).isEqualTo(200);
        HttpResponse<String> search = get("/Observation?patient=" + a.id(), token);
        assertThat(search.statusCode()).isEqualTo(403);
        assertThat(diagnostics(search)).contains("patient/Observation.s").doesNotContain(a.id());
        HttpResponse<String> post = send("POST", "/Observation/_search", token, "patient=" + a.id());
        assertThat(post.statusCode()).isEqualTo(403);
    }

    @Test
    void whenObservationSearchOnlyThenSearchButNoRead() throws Exception {
        String token = tokenA("patient/Observation.s");
        assertThat(get("/Observation?patient=" + a.id(), token).statusCode()).isEqualTo(200);
        HttpResponse<String> read = get("/Observation/" + a.ids("Observation").get(0), token);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(diagnostics(read)).contains("patient/Observation.r");
        assertThat(get("/Observation/" + a.ids("Observation").get(0) + "/_history/1", token).statusCode()).isEqualTo(403);
    }

    @Test
    void whenObservationCreateOnlyThenNoReadNoSearch() throws Exception {
        String token = tokenA("patient/Observation.c");
        HttpResponse<String> read = get("/Observation/" + a.ids("Observation").get(0), token);
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(diagnostics(read)).contains("patient/Observation.r");
        assertThat(get("/Observation?patient=" + a.id(), token).statusCode()).isEqualTo(403);
    }

    @Test
    void whenV1ReadThenReadAndSearch() throws Exception {
        String token = tokenA("patient/Observation.read");
        assertThat(get("/Observation/" + a.ids("Observation").get(0), token).statusCode()).isEqualTo(200);
        HttpResponse<String> search = get("/Observation?patient=" + a.id() + "&_count=200", token);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(entryIds(search, "Observation")).containsExactlyInAnyOrderElementsOf(currentIds("Observation", a.id()));
        assertThat(get("/Condition?patient=" + a.id(), token).statusCode()).isEqualTo(403);
    }

    @Test
    void whenReadAndSearchGrantedSeparatelyThenBoth() throws Exception {
        String token = tokenA("patient/Observation.r patient/Observation.s");
        assertThat(get("/Observation/" + a.ids("Observation").get(0), token).statusCode()).isEqualTo(200);
        assertThat(get("/Observation?patient=" + a.id(), token).statusCode()).isEqualTo(200);
    }

    // --- other patient: same answer as an id that does not exist ---

    @Test
    void whenOtherPatientsResourceOrUnknownIdThenSameForbiddenAnswer() throws Exception {
        String token = tokenA("patient/*.rs");
        HttpResponse<String> other = get("/Observation/" + b.ids("Observation").get(0), token);
        HttpResponse<String> missing = get("/Observation/no-such-observation", token);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(diagnostics(other)).isEqualTo(diagnostics(missing));
        assertThat(leaks(b, other.body())).isEmpty();
        HttpResponse<String> otherPatient = get("/Patient/" + b.id(), token);
        HttpResponse<String> missingPatient = get("/Patient/no-such-patient", token);
        assertThat(otherPatient.statusCode()).isEqualTo(missingPatient.statusCode()).isEqualTo(403);
        assertThat(diagnostics(otherPatient)).isEqualTo(diagnostics(missingPatient));
        HttpResponse<String> otherVersion = get("/Observation/" + b.ids("Observation").get(0) + "/_history/1", token);
        HttpResponse<String> missingVersion = get("/Observation/no-such-observation/_history/1", token);
        assertThat(otherVersion.statusCode()).isEqualTo(missingVersion.statusCode()).isEqualTo(403);
        assertThat(diagnostics(otherVersion)).isEqualTo(diagnostics(missingVersion));
    }

    // --- granular scopes ---

    @Test
    void whenGranularLabThenLabReadAllowedAndVitalsReadForbidden() throws Exception {
        String token = tokenA(granular("Observation", LAB));
        Observation lab = firstOf("Observation", a.id(), "laboratory", false);
        Observation vitalsOnly = firstOf("Observation", a.id(), "vital-signs", true);
        assertThat(get("/Observation/" + lab.getIdElement().getIdPart(), token).statusCode()).isEqualTo(200);
        HttpResponse<String> vitals = get("/Observation/" + vitalsOnly.getIdElement().getIdPart(), token);
        assertThat(vitals.statusCode()).isEqualTo(403);
        assertThat(diagnostics(vitals)).contains("patient/Observation.r");
        // a resource with several categories matches when any one is granted
        assertThat(get("/Observation/authz-multi-" + a.tag(), token).statusCode()).isEqualTo(200);
    }

    @Test
    void whenGranularSearchThenExactlyTheResourceLevelResultFiltered() throws Exception {
        String granular = tokenA(granular("Observation", LAB) + " " + granular("Observation", VITALS.replace("vital-signs", "survey")));
        String wide = tokenA("patient/Observation.rs");
        for (String query : List.of("patient=" + a.id(), "patient=" + a.id() + "&category=" + enc(LAB),
                "patient=" + a.id() + "&category=" + enc(VITALS), "patient=" + a.id() + "&code=" + enc("http://loinc.org|2339-0"))) {
            List<String> expected = filtered(get("/Observation?" + query + "&_count=500", wide), "laboratory", "survey");
            HttpResponse<String> r = get("/Observation?" + query + "&_count=500", granular);
            assertThat(r.statusCode()).as(query).isEqualTo(200);
            assertThat(entryIds(r, "Observation")).as(query).containsExactlyInAnyOrderElementsOf(expected);
            HttpResponse<String> post = send("POST", "/Observation/_search", granular, query + "&_count=500");
            assertThat(entryIds(post, "Observation")).as("POST " + query).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(filtered(get("/Observation?patient=" + a.id() + "&_count=500", wide), "laboratory"))
                .as("the fixture's two-category Observation is in a lab search").contains("authz-multi-" + a.tag());
    }

    @Test
    void whenGranularConditionThenOnlyGrantedCategory() throws Exception {
        String token = tokenA(granular("Condition", ENCOUNTER_DIAGNOSIS));
        HttpResponse<String> r = get("/Condition?patient=" + a.id() + "&_count=500", token);
        assertThat(entryIds(r, "Condition")).contains("authz-dx-" + a.tag()).doesNotContain("authz-problem-" + a.tag());
        assertThat(get("/Condition/authz-problem-" + a.tag(), token).statusCode()).isEqualTo(403);
        assertThat(get("/Condition/authz-dx-" + a.tag(), token).statusCode()).isEqualTo(200);
        HttpResponse<String> problems = get("/Condition?patient=" + a.id() + "&category=" + enc(PROBLEM), token);
        assertThat(problems.statusCode()).isEqualTo(200);
        assertThat(json(problems).path("entry")).isEmpty();
    }

    @Test
    void whenWideAndGranularThenWideWins() throws Exception {
        String token = tokenA(granular("Observation", LAB) + " patient/Observation.rs");
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_count=500", token);
        assertThat(entryIds(r, "Observation")).containsExactlyInAnyOrderElementsOf(currentIds("Observation", a.id()));
    }

    @Test
    void whenGranularReadAndSearchSeparateThenBoth() throws Exception {
        String token = tokenA("patient/Observation.r?category=" + LAB + " patient/Observation.s?category=" + LAB);
        assertThat(get("/Observation/authz-multi-" + a.tag(), token).statusCode()).isEqualTo(200);
        HttpResponse<String> r = get("/Observation?patient=" + a.id() + "&_count=500", token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(entryIds(r, "Observation")).contains("authz-multi-" + a.tag());
    }

    @Test
    void whenGranularAndRevincludeThenIncludesOutsideTheGrantAreLeftOut() throws Exception {
        String token = tokenA(granular("Observation", LAB) + " patient/Patient.rs");
        HttpResponse<String> r = get("/Patient?_id=" + a.id() + "&_revinclude=Observation:subject&_count=500", token);
        assertThat(r.statusCode()).isEqualTo(200);
        for (JsonNode entry : json(r).path("entry")) {
            JsonNode res = entry.path("resource");
            if (res.path("resourceType").asText().equals("Observation")) {
                assertThat(res.path("category").toString()).contains("laboratory");
            }
        }
    }

    // --- writes ---

    @Test
    void whenCreateScopeThenOwnObservationCreatedButNotForAnotherPatient() throws Exception {
        String token = tokenA("patient/Observation.c");
        HttpResponse<String> own = send("POST", "/Observation", token, observation(a.reference(), "laboratory"));
        assertThat(own.statusCode()).isEqualTo(201);
        HttpResponse<String> other = send("POST", "/Observation", token, observation(b.reference(), "laboratory"));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(leaks(b, other.body())).isEmpty();
        HttpResponse<String> noCompartment = send("POST", "/Observation", token, observation(null, "laboratory"));
        assertThat(noCompartment.statusCode()).isEqualTo(403);
        HttpResponse<String> otherType = send("POST", "/Condition", token,
                "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"" + a.reference() + "\"}}");
        assertThat(otherType.statusCode()).isEqualTo(403);
        assertThat(diagnostics(otherType)).contains("patient/Condition.c");
    }

    @Test
    void whenGranularCreateScopeThenOnlyGrantedCategory() throws Exception {
        String token = tokenA("patient/Observation.c?category=" + LAB);
        assertThat(send("POST", "/Observation", token, observation(a.reference(), "laboratory")).statusCode()).isEqualTo(201);
        assertThat(send("POST", "/Observation", token, observation(a.reference(), "vital-signs")).statusCode()).isEqualTo(403);
    }

    @Test
    void whenUpdateScopeThenOwnUpdatedButNotMovedOutNorOthersTouched() throws Exception {
        String create = tokenA("patient/Observation.c");
        HttpResponse<String> created = send("POST", "/Observation", create, observation(a.reference(), "laboratory"));
        String id = json(created).path("id").asText();
        String token = tokenA("patient/Observation.u");
        String own = observation(a.reference(), "laboratory").replaceFirst("\\{", "{\"id\":\"" + id + "\",");
        assertThat(send("PUT", "/Observation/" + id, token, own).statusCode()).isEqualTo(200);
        String moved = observation(b.reference(), "laboratory").replaceFirst("\\{", "{\"id\":\"" + id + "\",");
        assertThat(send("PUT", "/Observation/" + id, token, moved).statusCode()).as("moving out of the compartment").isEqualTo(403);
        String bId = b.ids("Observation").get(0);
        String hijack = observation(a.reference(), "laboratory").replaceFirst("\\{", "{\"id\":\"" + bId + "\",");
        HttpResponse<String> r = send("PUT", "/Observation/" + bId, token, hijack);
        assertThat(r.statusCode()).as("taking over another patient's resource").isEqualTo(403);
        assertThat(leaks(b, r.body())).isEmpty();
        assertThat(send("PUT", "/Observation/" + id, tokenA("patient/Observation.rs"), own).statusCode())
                .as("no u letter").isEqualTo(403);
    }

    @Test
    void whenDeleteScopeThenOwnDeletedButNotAnotherPatients() throws Exception {
        HttpResponse<String> created = send("POST", "/Observation", tokenA("patient/Observation.c"), observation(a.reference(), "laboratory"));
        String id = json(created).path("id").asText();
        String token = tokenA("patient/Observation.d");
        HttpResponse<String> other = send("DELETE", "/Observation/" + b.ids("Observation").get(0), token, null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/Observation/" + id, tokenA("patient/Observation.rs"), null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/Observation/" + id, token, null).statusCode()).isIn(200, 204);
        HttpResponse<String> conditional = send("DELETE", "/Observation?identifier=" + enc("urn:portico:authz|multi-" + b.tag()), token, null);
        assertThat(conditional.statusCode()).isIn(200, 204, 403, 404, 412);
        assertThat(leaks(b, conditional.body())).isEmpty();
        assertThat(get("/Observation/authz-multi-" + b.tag(), tokenB("patient/*.rs")).statusCode())
                .as("B's Observation is still there").isEqualTo(200);
    }

    @Test
    void whenConditionalCreateMatchesAnotherPatientsResourceThenNotRevealed() throws Exception {
        String token = tokenA("patient/Observation.cr");
        String body = observation(a.reference(), "laboratory").replaceFirst("\\{",
                "{\"identifier\":[{\"system\":\"urn:portico:authz\",\"value\":\"multi-" + b.tag() + "\"}],");
        HttpResponse<String> r = send("POST", "/Observation", token, body,
                "If-None-Exist", "identifier=" + enc("urn:portico:authz|multi-" + b.tag()));
        assertThat(r.statusCode()).as("narrowed to A's compartment, the condition matches nothing").isEqualTo(201);
        assertThat(leaks(b, r.body())).isEmpty();
        assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("authz-multi-" + b.tag());
    }

    @Test
    void whenPatchThenDenied() throws Exception {
        HttpResponse<String> r = send("PATCH", "/Observation/authz-multi-" + a.tag(), tokenA("patient/Observation.cruds"),
                "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]", "Content-Type", "application/json-patch+json");
        assertThat(r.statusCode()).isIn(403, 415);
    }

    // --- reference resolution, Binary ---

    @Test
    void whenReferencedPractitionerThenReadByIdAndSearchOnlyAmongTheReferencedOnes() throws Exception {
        String practitioner = firstReferenced("Encounter", a.id(), "Practitioner");
        String token = tokenA("patient/Encounter.rs patient/Practitioner.rs");
        assertThat(get("/Practitioner/" + practitioner, token).statusCode()).isEqualTo(200);
        HttpResponse<String> search = get("/Practitioner?_count=500", token);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(entryIds(search, "Practitioner")).contains(practitioner)
                .allSatisfy(id -> assertThat(referencedBy(a.id(), "Practitioner")).contains(id));
        assertThat(get("/Practitioner/" + practitioner, tokenA("patient/Encounter.rs")).statusCode()).isEqualTo(403);
        assertThat(get("/Practitioner?name=a", tokenA("patient/Encounter.rs")).statusCode()).isEqualTo(403);
        HttpResponse<String> included = get("/Encounter?patient=" + a.id() + "&_include=Encounter:participant&_count=500", token);
        assertThat(included.statusCode()).isEqualTo(200);
        assertThat(included.body()).contains("\"Practitioner\"");
    }

    @Test
    void whenPatientTokenSearchesLocationsThenOnlyThoseItsDataRefersTo() throws Exception {
        Directory d = directory();
        String token = tokenA("patient/*.rs");
        HttpResponse<String> byName = get("/Location?name=" + d.prefix(), token);
        assertThat(byName.statusCode()).isEqualTo(200);
        assertThat(entryIds(byName, "Location")).containsExactly(d.locationA());
        HttpResponse<String> posted = send("POST", "/Location/_search", token, "name=" + d.prefix());
        assertThat(entryIds(posted, "Location")).containsExactly(d.locationA());
        HttpResponse<String> byAddress = get("/Location?address-city=" + d.prefix() + "ville", token);
        assertThat(entryIds(byAddress, "Location")).containsExactly(d.locationA());
        // an _id of another entry finds nothing; B sees B's
        assertThat(entryIds(get("/Location?_id=" + d.locationB(), token), "Location")).isEmpty();
        assertThat(entryIds(get("/Location?name=" + d.prefix(), tokenB("patient/*.rs")), "Location")).containsExactly(d.locationB());
        // server-wide tokens are not narrowed
        HttpResponse<String> system = get("/Location?name=" + d.prefix(), longLivedSystem("system/Location.rs"));
        assertThat(entryIds(system, "Location")).containsExactlyInAnyOrder(d.locationA(), d.locationB(), d.unreferenced());
    }

    @Test
    void whenDirectorySearchReachesIntoOtherResourcesOrLacksTheLetterThenRefused() throws Exception {
        Directory d = directory();
        String token = tokenA("patient/*.rs");
        for (String path : List.of(
                "/Location?_has:Encounter:location:patient=" + b.id(),
                "/Location?organization.name=" + d.prefix(),
                "/Location?organization:Organization.name=" + d.prefix(),
                "/Location?_filter=" + enc("name eq " + d.prefix()),
                "/Location?_content=" + d.prefix())) {
            HttpResponse<String> r = get(path, token);
            assertThat(r.statusCode()).as(path).isIn(400, 403);
            assertThat(r.body()).as(path).doesNotContain(d.locationB()).doesNotContain(d.unreferenced());
        }
        assertThat(get("/Location?name=" + d.prefix(), tokenA("patient/Location.r patient/Encounter.rs")).statusCode())
                .as("r without s").isEqualTo(403);
        assertThat(get("/Location?name=" + d.prefix(), tokenA("patient/Encounter.rs")).statusCode())
                .as("no Location scope").isEqualTo(403);
    }

    @Test
    void whenPatientTokenSearchesPractitionerRolesThenTheRolesOfItsPractitionersOnly() throws Exception {
        Directory d = directory();
        String token = tokenA("patient/*.rs");
        HttpResponse<String> own = get("/PractitionerRole?practitioner=" + d.practitionerA(), token);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(entryIds(own, "PractitionerRole")).containsExactly(d.roleA());
        assertThat(entryIds(get("/PractitionerRole?practitioner=" + d.practitionerB(), token), "PractitionerRole")).isEmpty();
        HttpResponse<String> withPractitioner = get("/PractitionerRole?practitioner=" + d.practitionerA()
                + "&_include=PractitionerRole:practitioner", token);
        assertThat(entryIds(withPractitioner, "Practitioner")).containsExactly(d.practitionerA());
    }

    /** Directory entries made for these tests: a Location and a Practitioner with a role each for A and B, one Location of nobody's. */
    private record Directory(String prefix, String locationA, String locationB, String unreferenced,
            String practitionerA, String practitionerB, String roleA) {}

    private static Directory directory;

    private synchronized Directory directory() {
        if (directory != null) {
            return directory;
        }
        String prefix = "PorticoDir" + Long.toString(System.nanoTime(), 36);
        String locationA = location(prefix + " Clinic A", prefix + "ville");
        String locationB = location(prefix + " Clinic B", prefix + "ville");
        String unreferenced = location(prefix + " Clinic X", prefix + "ville");
        String practitionerA = create(new org.hl7.fhir.r4.model.Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(prefix + "A")));
        String practitionerB = create(new org.hl7.fhir.r4.model.Practitioner().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(prefix + "B")));
        String roleA = create(new org.hl7.fhir.r4.model.PractitionerRole().setPractitioner(new org.hl7.fhir.r4.model.Reference("Practitioner/" + practitionerA)));
        create(new org.hl7.fhir.r4.model.PractitionerRole().setPractitioner(new org.hl7.fhir.r4.model.Reference("Practitioner/" + practitionerB)));
        encounter(a.id(), locationA, practitionerA);
        encounter(b.id(), locationB, practitionerB);
        directory = new Directory(prefix, locationA, locationB, unreferenced, practitionerA, practitionerB, roleA);
        return directory;
    }

    private String location(String name, String city) {
        org.hl7.fhir.r4.model.Location l = new org.hl7.fhir.r4.model.Location().setName(name);
        l.getAddress().setCity(city);
        return create(l);
    }

    private void encounter(String patient, String location, String practitioner) {
        org.hl7.fhir.r4.model.Encounter e = new org.hl7.fhir.r4.model.Encounter()
                .setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED)
                .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patient));
        e.addLocation().setLocation(new org.hl7.fhir.r4.model.Reference("Location/" + location));
        e.addParticipant().setIndividual(new org.hl7.fhir.r4.model.Reference("Practitioner/" + practitioner));
        create(e);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private String create(org.hl7.fhir.r4.model.Resource resource) {
        ca.uhn.fhir.jpa.api.dao.IFhirResourceDao dao = daos.getResourceDao(resource.fhirType());
        return dao.create(resource, new SystemRequestDetails()).getId().getIdPart();
    }

    private String longLivedSystem(String scope) {
        return TOKENS.sign(TOKENS.claims(null, scope)
                .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(3600))).build());
    }

    /** The ids of the resources of a type that the patient's data refers to, as stored now. */
    private java.util.Set<String> referencedBy(String patient, String type) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String source : List.of("Encounter", "Observation", "Condition", "Procedure", "MedicationRequest", "DiagnosticReport",
                "Immunization", "CarePlan", "CareTeam", "Claim", "ExplanationOfBenefit", "AllergyIntolerance", "Goal", "ImagingStudy",
                "Patient")) {
            SearchParameterMap map = source.equals("Patient")
                    ? SearchParameterMap.newSynchronous("_id", new ca.uhn.fhir.rest.param.TokenParam(patient))
                    : SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient));
            for (IBaseResource r : daos.getResourceDao(source).search(map, new SystemRequestDetails()).getAllResources()) {
                for (var ref : daos.getResourceDao(source).getContext().newTerser().getAllResourceReferences(r)) {
                    var id = ref.getResourceReference().getReferenceElement();
                    if (type.equals(id.getResourceType())) {
                        ids.add(id.getIdPart());
                    }
                }
            }
        }
        return ids;
    }

    // --- ADR 0016: the Media a readable DiagnosticReport shows ---

    private static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";

    @Test
    void whenDiagnosticReportIsReadableThenTheMediaItShowsIsReadByIdAndNothingElse() throws Exception {
        String shownByLab = create(media(a.id()));
        String shownByNote = create(media(a.id()));
        String shownByNothing = create(media(a.id()));
        String othersMedia = create(media(b.id()));
        report(a.id(), V2_0074, "LAB", shownByLab);
        report(a.id(), "http://loinc.org", "LP29684-5", shownByNote);
        report(b.id(), V2_0074, "LAB", othersMedia);
        report(a.id(), V2_0074, "LAB", othersMedia); // A's report naming B's Media does not make it A's

        String reports = tokenA("patient/DiagnosticReport.rs");
        assertThat(get("/Media/" + shownByLab, reports).statusCode()).isEqualTo(200);
        assertThat(get("/Media/" + shownByNote, reports).statusCode()).isEqualTo(200);
        assertThat(get("/Media/" + shownByLab + "/_history/1", reports).statusCode()).isEqualTo(200);
        HttpResponse<String> loose = get("/Media/" + shownByNothing, reports);
        assertThat(loose.statusCode()).isEqualTo(403);
        HttpResponse<String> others = get("/Media/" + othersMedia, reports);
        assertThat(others.statusCode()).isEqualTo(403);
        assertThat(diagnostics(others)).isEqualTo(diagnostics(loose)).doesNotContain(b.id());
        // never a search, an include or a history of Media
        assertThat(get("/Media?patient=" + a.id(), reports).statusCode()).isEqualTo(403);
        assertThat(get("/Media?_id=" + shownByLab, reports).statusCode()).isEqualTo(403);
        assertThat(get("/Media/" + shownByLab + "/_history", reports).statusCode()).isEqualTo(403);
        HttpResponse<String> included = get("/DiagnosticReport?patient=" + a.id() + "&_include=DiagnosticReport:media&_count=500", reports);
        assertThat(entryIds(included, "Media")).isEmpty();

        // granular: only the Media of reports of a granted category
        String labOnly = tokenA("patient/DiagnosticReport.rs?category=" + enc(V2_0074 + "|LAB"));
        assertThat(get("/Media/" + shownByLab, labOnly).statusCode()).isEqualTo(200);
        assertThat(get("/Media/" + shownByNote, labOnly).statusCode()).isEqualTo(403);
        // the letter r is needed, as for the report itself
        assertThat(get("/Media/" + shownByLab, tokenA("patient/DiagnosticReport.s")).statusCode()).isEqualTo(403);
        // the report's patient's token only
        assertThat(get("/Media/" + shownByLab, tokenB("patient/DiagnosticReport.rs")).statusCode()).isEqualTo(403);
    }

    private static org.hl7.fhir.r4.model.Media media(String patient) {
        org.hl7.fhir.r4.model.Media m = new org.hl7.fhir.r4.model.Media()
                .setStatus(org.hl7.fhir.r4.model.Media.MediaStatus.COMPLETED)
                .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patient));
        m.getContent().setContentType("image/png").setTitle("scan");
        return m;
    }

    private void report(String patient, String categorySystem, String category, String media) {
        org.hl7.fhir.r4.model.DiagnosticReport r = new org.hl7.fhir.r4.model.DiagnosticReport()
                .setStatus(org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus.FINAL)
                .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patient));
        r.addCategory().addCoding().setSystem(categorySystem).setCode(category);
        r.getCode().addCoding().setSystem("http://loinc.org").setCode("18748-4");
        r.addMedia().setLink(new org.hl7.fhir.r4.model.Reference("Media/" + media));
        create(r);
    }

    @Test
    void whenBinaryThenDeniedToPatientTokens() throws Exception {
        assertThat(get("/Binary/authz-bin-" + a.tag(), tokenA("patient/*.rs")).statusCode()).isEqualTo(403);
        assertThat(get("/Binary/authz-bin-" + b.tag(), tokenA("patient/*.rs")).statusCode()).isEqualTo(403);
    }

    @Test
    void whenUserScopeThenBoundToFhirUserPatient() throws Exception {
        String token = userTokenA("user/Observation.rs");
        assertThat(get("/Observation/" + a.ids("Observation").get(0), token).statusCode()).isEqualTo(200);
        assertThat(get("/Observation/" + b.ids("Observation").get(0), token).statusCode()).isEqualTo(403);
        HttpResponse<String> search = get("/Observation?_count=500", token);
        assertThat(entryIds(search, "Observation")).containsExactlyInAnyOrderElementsOf(currentIds("Observation", a.id()));
        HttpResponse<String> denied = get("/Condition?patient=" + a.id(), token);
        assertThat(diagnostics(denied)).contains("user/Condition.s");
    }

    @Test
    void whenTheTokenListsThePatientsTheUserActsForThenUserScopesReachExactlyThose() throws Exception {
        // A acts for B (a parent for a child): B's data is reachable
        String both = userTokenAActingFor("user/Observation.rs", a.id(), b.id());
        assertThat(get("/Observation/" + b.ids("Observation").get(0), both).statusCode()).isEqualTo(200);
        assertThat(get("/Observation/" + a.ids("Observation").get(0), both).statusCode()).isEqualTo(200);
        // the claim lists A only (the grant ended): B's data is not, whatever fhirUser says
        String onlyA = userTokenAActingFor("user/Observation.rs", a.id());
        assertThat(get("/Observation/" + b.ids("Observation").get(0), onlyA).statusCode()).isEqualTo(403);
        HttpResponse<String> search = get("/Observation?_count=500", onlyA);
        assertThat(entryIds(search, "Observation")).containsExactlyInAnyOrderElementsOf(currentIds("Observation", a.id()));
    }

    // --- helpers ---

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String observation(String subject, String category) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"category\":[{\"coding\":[{\"system\":\"" + AuthzFixture.OBS_CATEGORY + "\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2339-0\"}]}"
                + (subject == null ? "" : ",\"subject\":{\"reference\":\"" + subject + "\"}") + "}";
    }

    /** Ids of the searchset's Observations that carry any of the categories. */
    private static List<String> filtered(HttpResponse<String> r, String... categories) throws Exception {
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode entry : json(r).path("entry")) {
            JsonNode res = entry.path("resource");
            String cats = res.path("category").toString();
            for (String c : categories) {
                if (cats.contains("\"" + c + "\"")) {
                    ids.add(res.path("id").asText());
                    break;
                }
            }
        }
        return ids;
    }

    private Observation firstOf(String type, String patient, String category, boolean only) {
        for (IBaseResource r : daos.getResourceDao(type)
                .search(SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient)), new SystemRequestDetails())
                .getAllResources()) {
            Observation o = (Observation) r;
            List<String> codes = o.getCategory().stream().flatMap(c -> c.getCoding().stream()).map(c -> c.getCode()).toList();
            if (codes.contains(category) && (!only || codes.size() == 1)) {
                return o;
            }
        }
        throw new AssertionError("no " + category + " " + type + " for the patient");
    }

    private String firstReferenced(String type, String patient, String targetType) {
        for (IBaseResource r : daos.getResourceDao(type)
                .search(SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient)), new SystemRequestDetails())
                .getAllResources()) {
            for (var ref : daos.getResourceDao(type).getContext().newTerser().getAllResourceReferences(r)) {
                String value = ref.getResourceReference().getReferenceElement().getValue();
                if (value != null && value.startsWith(targetType + "/")) {
                    return ref.getResourceReference().getReferenceElement().getIdPart();
                }
            }
        }
        throw new AssertionError("no " + targetType + " referenced by the patient's " + type);
    }

}
