package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The paths of the enforcement matrix (architecture invariants 2 and 3) run with one token for one
 * patient, over HTTP: searches by GET and POST for every resource type the CapabilityStatement lets one
 * search by {@code patient}, reads, vreads and instance history of given resources, type and system
 * history, {@code _include}/{@code _revinclude} (Provenance:target too), {@code $everything} and paging
 * through every {@code next} link. Every resource of every answer (contained ones too) is collected
 * with its security labels for the caller's assertions; the requests are counted.
 */
final class EnforcementPaths {

    /** A resource found in an answer. */
    record Seen(String key, Set<String> labels, String path) {}

    /** A reference found in an answer ({@code Type/id}, without base or version). */
    record Reference(String key, String path) {}

    /** The clinical types whose references the include paths follow. */
    static final List<String> CLINICAL = List.of("Condition", "Observation", "Encounter", "Procedure", "MedicationRequest",
            "DiagnosticReport", "Immunization", "AllergyIntolerance");

    private final SmartClient smart;
    private final AtomicInteger requests;
    private final List<String> patientSearchTypes;
    final List<Seen> seen = new ArrayList<>();
    final List<Reference> references = new ArrayList<>();
    /** How many answers of each status the paths got. */
    final Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    /** The requests answered 403 (a type the token may not search, a hidden resource, a refused chain). */
    final List<String> refused = new ArrayList<>();

    EnforcementPaths(SmartClient smart, AtomicInteger requests, List<String> patientSearchTypes) {
        this.smart = smart;
        this.requests = requests;
        this.patientSearchTypes = patientSearchTypes;
    }

    /** The resource types the server declares a {@code patient} search parameter for. */
    static List<String> patientSearchTypes(JsonNode capabilityStatement) {
        Set<String> types = new TreeSet<>();
        for (JsonNode rest : capabilityStatement.path("rest")) {
            for (JsonNode resource : rest.path("resource")) {
                for (JsonNode param : resource.path("searchParam")) {
                    if (param.path("name").asText().equals("patient")) {
                        types.add(resource.path("type").asText());
                    }
                }
            }
        }
        return List.copyOf(types);
    }

    Response get(String path, String token) {
        return counted(smart.read(path, token));
    }

    Response get(URI uri, String token) {
        return counted(smart.http().getWithToken(uri, token, "Accept", "application/fhir+json"));
    }

    Response postSearch(String type, String form, String token) {
        return counted(smart.http().postForm(smart.fhirUri(type + "/_search"), form, "Authorization", "Bearer " + token,
                "Accept", "application/fhir+json"));
    }

    private Response counted(Response r) {
        requests.incrementAndGet();
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() == 403) {
            refused.add(r.method() + " " + r.uri().getRawPath().replaceFirst("^.*/fhir/", "")
                    + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery()));
        }
        return r;
    }

    /** Every path of the matrix for the patient; {@code resources} are read, vread and their history asked one by one. */
    void run(String token, String patient, Collection<String> resources) {
        for (String type : patientSearchTypes) {
            String query = "patient=" + patient + "&_count=200";
            collect(searchOk(get(type + "?" + query, token)));
            collect(searchOk(postSearch(type, query, token)));
        }
        for (String key : resources) {
            collect(get(key, token));
            collect(get(key + "/_history/1", token));
            collect(get(key + "/_history", token));
        }
        collect(get("Patient/" + patient + "/_history", token));
        for (String type : CLINICAL) {
            collect(get(type + "/_history?_count=500", token));
            collect(searchOk(get(type + "?patient=" + patient + "&_include=*&_revinclude=Provenance:target&_count=200", token)));
        }
        collect(get("_history?_count=500", token));
        StringBuilder rev = new StringBuilder("Patient?_id=" + patient + "&_count=200");
        for (String type : CLINICAL) {
            rev.append("&_revinclude=").append(type).append(":patient");
        }
        rev.append("&_revinclude:iterate=Provenance:target");
        collect(searchOk(get(rev.toString(), token)));
        collect(searchOk(get("Encounter?patient=" + patient + "&_count=200&_revinclude=Observation:encounter"
                + "&_revinclude=Procedure:encounter&_revinclude=MedicationRequest:encounter&_revinclude=DiagnosticReport:encounter"
                + "&_revinclude=Condition:encounter", token)));
        collect(searchOk(get("Observation?patient=" + patient + "&_count=200&_include=Observation:encounter"
                + "&_include:iterate=Encounter:reason-reference", token)));
        everythingPages(token, patient);
        for (String type : List.of("Condition", "Observation", "Encounter", "Procedure")) {
            pages(type + "?patient=" + patient + "&_count=1", token);
        }
    }

    /** {@code $everything} and each of its pages. */
    private void everythingPages(String token, String patient) {
        pages("Patient/" + patient + "/$everything?_count=5", token);
    }

    /** A search and every {@code next} page after it; returns the keys of the matches (search mode match or none). */
    List<String> pages(String first, String token) {
        List<String> keys = new ArrayList<>();
        Response page = searchOk(get(first, token));
        for (int n = 0; n < 200 && page != null && page.status() == 200; n++) {
            collect(page);
            JsonNode body = page.json();
            for (JsonNode e : body.path("entry")) {
                if (!"include".equals(e.path("search").path("mode").asText()) && !"outcome".equals(e.path("search").path("mode").asText())) {
                    keys.add(key(e.path("resource")));
                }
            }
            String next = null;
            for (JsonNode link : body.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText();
                }
            }
            page = next == null ? null : searchOk(get(URI.create(next), token));
        }
        return keys;
    }

    /** A search answers 200, or 403 for a type the token may not search: never anything else. */
    static Response searchOk(Response r) {
        assertThat(r.status()).as(r.describe() + "\n" + r.abbreviatedBody()).isIn(200, 403);
        return r;
    }

    /** Records every resource of a 200 JSON answer, with where it was found. */
    void collect(Response r) {
        assertThat(r.status()).as(r.describe()).isLessThan(500);
        if (r.status() != 200 || !r.contentType().contains("json")) {
            return;
        }
        walk(r.json(), r.describe());
    }

    private void walk(JsonNode node, String path) {
        if (node.isObject()) {
            if (node.has("resourceType") && node.has("id") && !node.path("resourceType").asText().equals("Bundle")) {
                seen.add(new Seen(key(node), labels(node), path));
            }
            if (node.path("reference").isTextual()) {
                references.add(new Reference(referenceKey(node.path("reference").asText()), path));
            }
            node.forEach(child -> walk(child, path));
        } else if (node.isArray()) {
            node.forEach(child -> walk(child, path));
        }
    }

    /** {@code Type/id} of a relative or absolute reference, a version left out. */
    static String referenceKey(String reference) {
        String ref = reference.replaceFirst("/_history/[^/]*$", "");
        String[] parts = ref.split("/");
        return parts.length < 2 ? ref : parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }

    static String key(JsonNode resource) {
        return resource.path("resourceType").asText() + "/" + resource.path("id").asText();
    }

    static Set<String> labels(JsonNode resource) {
        Set<String> labels = new LinkedHashSet<>();
        for (JsonNode coding : resource.path("meta").path("security")) {
            labels.add(coding.path("system").asText() + "|" + coding.path("code").asText());
        }
        return labels;
    }

    Set<String> keysSeen() {
        Set<String> keys = new LinkedHashSet<>();
        seen.forEach(s -> keys.add(s.key()));
        return keys;
    }
}
