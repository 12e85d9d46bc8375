package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.portico.conformance.G10SinglePatientApi.Found;

/**
 * The tests of one profile group of {@link G10SinglePatientApi}, as us-core-test-kit runs them: searches
 * (then read, revinclude...) over every patient, the first search's resources feeding the rest.
 */
final class UsCoreGroupChecks {

    /** How many instances a read-only group reads at most (Inferno reads them all; the data has a few). */
    private static final int MAX_READ = 40;

    private final G10SinglePatientApi suite;
    private final UsCoreTable.Group g;
    private final MustSupport mustSupport;

    UsCoreGroupChecks(G10SinglePatientApi suite, UsCoreTable.Group g) {
        this.suite = suite;
        this.g = g;
        this.mustSupport = new MustSupport(suite.pkg(), g.profile());
    }

    private Map<String, Found> found() {
        return suite.found(g.id());
    }

    private void requireFound(String what) {
        assertThat(found()).as("no " + g.type() + " was found by the first search for any patient " + suite.tokens().keySet()
                + ": nothing to " + what).isNotEmpty();
    }

    // ---- searches ----

    void search(UsCoreTable.Search s) {
        if (s.first()) {
            firstSearch(s);
        } else {
            otherSearch(s);
        }
    }

    private void firstSearch(UsCoreTable.Search s) {
        List<String> problems = new ArrayList<>();
        String fixedParam = s.params().stream().filter(g.firstSearchValues()::containsKey).findFirst().orElse(null);
        List<String> fixedValues = fixedParam == null ? List.of("") : g.firstSearchValues().get(fixedParam);
        int searches = 0;
        for (Map.Entry<String, String> p : suite.tokens().entrySet()) {
            for (String fixed : fixedValues) {
                Map<String, String> params = new LinkedHashMap<>();
                for (String param : s.params()) {
                    if (param.equals(fixedParam)) {
                        params.put(param, fixed.contains("|") ? fixed.substring(fixed.indexOf('|') + 1) : fixed);
                    } else if (param.equals("patient")) {
                        params.put(param, p.getKey());
                    } else if (param.equals("_id") && g.type().equals("Patient")) {
                        params.put(param, p.getKey());
                    } else if (g.type().equals("Location")) {
                        params.put(param, "");
                    } else {
                        throw new IllegalStateException("no value for the first search's " + param);
                    }
                }
                if (g.type().equals("Location")) {
                    // Location is not in the compartment: its searches take values from the instances the others reference
                    locationValues(params);
                    if (params.containsValue("")) {
                        continue;
                    }
                }
                String query = UsCoreApi.query(params);
                UsCoreApi.Searchset result = suite.api().search(g.type(), query, p.getValue());
                searches++;
                if (!result.ok()) {
                    problems.add(result.describe());
                    continue;
                }
                problems.addAll(mismatches(result.matches(), params));
                for (JsonNode r : result.matches()) {
                    if (r.path("resourceType").asText().equals(g.type())) {
                        Found f = new Found(r, p.getKey());
                        found().put(g.type() + "/" + r.path("id").asText(), f);
                        suite.seen().put(g.type() + "/" + r.path("id").asText(), f);
                    }
                }
                if (!result.matches().isEmpty()) {
                    suite.firstQueries(g.id()).putIfAbsent(p.getKey(), query);
                }
            }
        }
        assertThat(problems).as("first search " + s.name()).isEmpty();
        assertThat(searches).as("first search " + s.name() + ": no value to search with").isPositive();
        requireFound("check");
        // variants on one patient and value that found resources
        Map.Entry<String, String> one = suite.firstQueries(g.id()).entrySet().iterator().next();
        String token = suite.tokens().get(one.getKey());
        int count = suite.api().search(g.type(), one.getValue(), token).matches().size();
        if (s.refVariant()) {
            String refQuery = one.getValue().replace("patient=" + HttpSession.encode(one.getKey()),
                    "patient=" + HttpSession.encode("Patient/" + one.getKey()));
            UsCoreApi.Searchset ref = suite.api().search(g.type(), refQuery, token);
            assertThat(ref.ok()).as(ref.describe()).isTrue();
            assertThat(ref.matches().size()).as("patient=Patient/{id} finds as many as patient={id}: " + refQuery).isEqualTo(count);
        }
        if (s.post()) {
            UsCoreApi.Searchset post = suite.api().post(g.type(), one.getValue(), token);
            assertThat(post.ok()).as(post.describe()).isTrue();
            assertThat(post.matches().size()).as("POST _search finds as many as GET: " + one.getValue()).isEqualTo(count);
        }
        for (String param : s.systemCode()) {
            systemCodeVariant(s, param);
        }
        for (String param : s.multipleOr()) {
            multipleOr(s, param);
        }
        if (s.includeMedication()) {
            includeMedication(one.getKey(), one.getValue(), token);
        }
    }

    private void locationValues(Map<String, String> params) {
        for (Found f : suite.seen().values()) {
            for (String ref : FhirJson.references(f.resource())) {
                String typeAndId = FhirJson.typeAndId(ref);
                if (typeAndId != null && typeAndId.startsWith("Location/")) {
                    Response r = suite.api().read(typeAndId, suite.tokens().get(f.patient()));
                    if (r.status() == 200) {
                        for (String param : params.keySet()) {
                            params.put(param, valueOf(r.json(), param));
                        }
                        return;
                    }
                }
            }
        }
    }

    private void otherSearch(UsCoreTable.Search s) {
        requireFound("take search values from");
        List<String> problems = new ArrayList<>();
        int searched = 0;
        for (Map.Entry<String, String> p : suite.tokens().entrySet()) {
            Sample sample = sample(s.params(), p.getKey());
            if (sample == null) {
                continue;
            }
            Map<String, String> params = sample.params();
            searched++;
            UsCoreApi.Searchset result = suite.api().search(g.type(), UsCoreApi.query(params), p.getValue());
            if (!result.ok()) {
                problems.add(result.describe());
                continue;
            }
            if (result.matches().isEmpty()) {
                problems.add(result.query() + " found nothing, though a resource has these values");
            }
            problems.addAll(mismatches(result.matches(), params));
            for (String param : s.comparators()) {
                problems.addAll(comparators(params, param, dateOf(sample.from().resource(), param), p.getValue()));
            }
        }
        assertThat(searched).as("search " + s.name() + ": no resource found has values for all of " + s.params()).isPositive();
        assertThat(problems).as("search " + s.name()).isEmpty();
        for (String param : s.systemCode()) {
            systemCodeVariant(s, param);
        }
        for (String param : s.multipleOr()) {
            multipleOr(s, param);
        }
    }

    /** Search values taken from one resource. */
    private record Sample(Found from, Map<String, String> params) {}

    /** Values for the parameters from the first resource found for {@code patient} that has them all, or null. */
    private Map<String, String> paramsFromFound(List<String> names, String patient) {
        Sample sample = sample(names, patient);
        return sample == null ? null : sample.params();
    }

    private Sample sample(List<String> names, String patient) {
        for (Found f : found().values()) {
            if (!f.patient().equals(patient)) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String name : names) {
                String v = name.equals("patient") ? patient : valueOf(f.resource(), name);
                if (v == null) {
                    params = null;
                    break;
                }
                params.put(name, v);
            }
            if (params != null) {
                return new Sample(f, params);
            }
        }
        return null;
    }

    /** A search value for {@code param} taken from {@code resource} (code without system, a date as written, a name part). */
    private String valueOf(JsonNode resource, String param) {
        if (param.equals("_id")) {
            return resource.path("id").asText();
        }
        UsCorePackage.SearchParam sp = suite.pkg().searchParam(g.type(), param);
        for (JsonNode v : FhirJson.evaluate(resource, sp.expression())) {
            switch (sp.type()) {
                case "token" -> {
                    if (v.isValueNode()) {
                        return v.asText();
                    }
                    JsonNode coding = v.has("coding") ? v.path("coding").path(0) : v;
                    String code = coding.has("code") ? coding.path("code").asText(null) : coding.path("value").asText(null);
                    if (code != null) {
                        return code;
                    }
                }
                case "date" -> {
                    if (v.isTextual()) {
                        return v.asText();
                    }
                    if (v.has("start")) { // a Period: Inferno searches gt its start minus a day
                        return "gt" + SearchMatch.shift(v.path("start").asText(), -1);
                    }
                    if (v.has("end")) {
                        return "lt" + SearchMatch.shift(v.path("end").asText(), 1);
                    }
                }
                case "string" -> {
                    if (v.isTextual()) {
                        return v.asText();
                    }
                    for (String part : List.of("family", "city", "line", "state", "postalCode", "given", "text")) {
                        JsonNode x = v.path(part);
                        if (x.isArray() && !x.isEmpty()) {
                            return x.get(0).asText();
                        }
                        if (x.isTextual()) {
                            return x.asText();
                        }
                    }
                }
                default -> { }
            }
        }
        return null;
    }

    private List<String> mismatches(List<JsonNode> resources, Map<String, String> params) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : resources) {
            if (!r.path("resourceType").asText().equals(g.type())) {
                out.add("a " + r.path("resourceType").asText() + " among the matches");
                continue;
            }
            params.forEach((name, value) -> {
                String m = SearchMatch.mismatch(r, suite.pkg().searchParam(g.type(), name), value);
                if (m != null) {
                    out.add(m);
                }
            });
        }
        return out.size() > 10 ? out.subList(0, 10) : out;
    }

    /** The date (or a Period's start) {@code param} reads in {@code resource}. */
    private String dateOf(JsonNode resource, String param) {
        UsCorePackage.SearchParam sp = suite.pkg().searchParam(g.type(), param);
        for (JsonNode v : FhirJson.evaluate(resource, sp.expression())) {
            if (v.isTextual()) {
                return v.asText();
            }
            if (v.has("start")) {
                return v.path("start").asText();
            }
        }
        return null;
    }

    /** Inferno's comparator searches: gt/ge the date minus a day, lt/le plus a day; each must find the resource. */
    private List<String> comparators(Map<String, String> params, String param, String date, String token) {
        List<String> problems = new ArrayList<>();
        for (String cmp : List.of("gt", "ge", "lt", "le")) {
            String shifted = SearchMatch.shift(date, cmp.startsWith("g") ? -1 : 1);
            Map<String, String> q = new LinkedHashMap<>(params);
            q.put(param, cmp + shifted);
            UsCoreApi.Searchset r = suite.api().search(g.type(), UsCoreApi.query(q), token);
            if (!r.ok()) {
                problems.add(r.describe());
                continue;
            }
            if (r.matches().isEmpty()) {
                problems.add(r.query() + " found nothing, though " + date + " is " + cmp + " " + shifted);
            }
            problems.addAll(mismatches(r.matches(), q));
        }
        return problems;
    }

    private void systemCodeVariant(UsCoreTable.Search s, String param) {
        for (Map.Entry<String, String> p : suite.tokens().entrySet()) {
            for (Found f : found().values()) {
                if (!f.patient().equals(p.getKey())) {
                    continue;
                }
                Map<String, String> params = paramsFromFound(s.params(), p.getKey());
                String systemCode = systemCode(f.resource(), param);
                if (params == null || systemCode == null) {
                    continue;
                }
                if (s.first() && g.firstSearchValues().containsKey(param)) {
                    String fixed = g.firstSearchValues().get(param).stream()
                            .filter(v -> v.endsWith("|" + params.get(param)) || v.equals(params.get(param))).findFirst().orElse(null);
                    if (fixed == null || !fixed.contains("|")) {
                        continue;
                    }
                    systemCode = fixed;
                }
                params.put(param, systemCode);
                UsCoreApi.Searchset r = suite.api().search(g.type(), UsCoreApi.query(params), p.getValue());
                assertThat(r.ok()).as(r.describe()).isTrue();
                assertThat(r.matches()).as(r.query() + " (system|code) finds something").isNotEmpty();
                assertThat(mismatches(r.matches(), params)).isEmpty();
                return;
            }
        }
        throw new AssertionError("no resource with a system and code for " + param + " to search " + s.name() + " by system|code");
    }

    private String systemCode(JsonNode resource, String param) {
        UsCorePackage.SearchParam sp = suite.pkg().searchParam(g.type(), param);
        String code = valueOf(resource, param);
        for (JsonNode v : FhirJson.evaluate(resource, sp.expression())) {
            for (JsonNode c : FhirJson.codings(v)) {
                String value = c.has("code") ? c.path("code").asText() : c.path("value").asText();
                if (value.equals(code) && c.hasNonNull("system")) {
                    return c.path("system").asText() + "|" + value;
                }
            }
        }
        return null;
    }

    private void multipleOr(UsCoreTable.Search s, String param) {
        for (Map.Entry<String, String> p : suite.tokens().entrySet()) {
            Set<String> values = new LinkedHashSet<>();
            for (Found f : found().values()) {
                if (f.patient().equals(p.getKey())) {
                    String v = valueOf(f.resource(), param);
                    if (v != null) {
                        values.add(v);
                    }
                }
            }
            Map<String, String> params = paramsFromFound(s.params(), p.getKey());
            if (params == null || values.size() < 2) {
                continue;
            }
            params.put(param, String.join(",", values));
            UsCoreApi.Searchset r = suite.api().search(g.type(), UsCoreApi.query(params), p.getValue());
            assertThat(r.ok()).as(r.describe()).isTrue();
            Set<String> returned = new LinkedHashSet<>();
            r.matches().forEach(x -> returned.add(valueOf(x, param)));
            assertThat(returned).as(r.query() + ": every OR'd value is found").containsAll(values);
            assertThat(mismatches(r.matches(), params)).isEmpty();
            return;
        }
        // Inferno: with one value only, the multiple-OR check has nothing to show and passes
    }

    private void includeMedication(String patient, String query, String token) {
        UsCoreApi.Searchset r = suite.api().search(g.type(), query + "&_include=" + g.type() + ":medication", token);
        assertThat(r.ok()).as(r.describe()).isTrue();
        Set<String> referenced = new LinkedHashSet<>();
        for (JsonNode m : r.matches()) {
            String ref = m.path("medicationReference").path("reference").asText(null);
            if (ref != null && !ref.startsWith("#")) {
                referenced.add(FhirJson.typeAndId(ref));
            }
        }
        Set<String> included = new LinkedHashSet<>();
        for (JsonNode inc : r.included()) {
            included.add(inc.path("resourceType").asText() + "/" + inc.path("id").asText());
            suite.seen().put(inc.path("resourceType").asText() + "/" + inc.path("id").asText(), new Found(inc, patient));
        }
        assertThat(referenced).as("_include=" + g.type() + ":medication returns the referenced Medications").isSubsetOf(included);
        assertThat(included).as("and only referenced ones").isSubsetOf(referenced);
    }

    // ---- read, revinclude ----

    void read() {
        requireFound("read");
        Found f = found().values().iterator().next();
        String typeAndId = g.type() + "/" + f.resource().path("id").asText();
        Response r = suite.api().read(typeAndId, suite.tokens().get(f.patient()));
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
        assertThat(r.json().path("resourceType").asText()).isEqualTo(g.type());
        assertThat(r.json().path("id").asText()).isEqualTo(f.resource().path("id").asText());
    }

    void provenanceRevinclude() {
        requireFound("revinclude Provenance for");
        int provenances = 0;
        for (Map.Entry<String, String> q : suite.firstQueries(g.id()).entrySet()) {
            String query = g.type().equals("Patient") ? "_id=" + q.getKey() : q.getValue();
            UsCoreApi.Searchset r = suite.api().search(g.type(), query + "&_revinclude=Provenance:target",
                    suite.tokens().get(q.getKey()));
            assertThat(r.ok()).as(r.describe()).isTrue();
            for (JsonNode inc : r.included()) {
                if (inc.path("resourceType").asText().equals("Provenance")) {
                    provenances++;
                    Found f = new Found(inc, q.getKey());
                    suite.provenance().put("Provenance/" + inc.path("id").asText(), f);
                    suite.seen().put("Provenance/" + inc.path("id").asText(), f);
                }
            }
        }
        assertThat(provenances).as("Provenance returned by " + g.type() + " first searches with _revinclude=Provenance:target"
                + " for " + suite.firstQueries(g.id()).keySet()).isPositive();
    }

    // ---- read-only groups ----

    void readReferenced() {
        Map<String, String> targets = new LinkedHashMap<>(); // Type/id -> patient whose data referenced it
        if (g.type().equals("Provenance")) {
            suite.provenance().forEach((k, f) -> targets.put(k, f.patient()));
        }
        for (Found f : new ArrayList<>(suite.seen().values())) {
            for (String ref : FhirJson.references(f.resource())) {
                String typeAndId = FhirJson.typeAndId(ref);
                if (typeAndId != null && typeAndId.startsWith(g.type() + "/")) {
                    targets.putIfAbsent(typeAndId, f.patient());
                }
            }
        }
        assertThat(targets).as("no " + g.type() + " is referenced by the resources found").isNotEmpty();
        List<String> problems = new ArrayList<>();
        targets.entrySet().stream().limit(MAX_READ).forEach(t -> {
            Response r = suite.api().read(t.getKey(), suite.tokens().get(t.getValue()));
            if (r.status() != 200 || !r.json().path("resourceType").asText().equals(g.type())) {
                problems.add(r.describe());
                return;
            }
            Found f = new Found(r.json(), t.getValue());
            found().put(t.getKey(), f);
            suite.seen().put(t.getKey(), f);
        });
        assertThat(problems).as("reads of the referenced " + g.type() + " instances").isEmpty();
    }

    // ---- validation, must support, references ----

    void validation() {
        requireFound("validate");
        List<String> errors = suite.validator().errors(found().values().stream().map(Found::resource).toList(), g.profileUrl());
        assertThat(errors).as(errors.size() + " validation errors against " + g.profileUrl() + "|" + suite.version())
                .isEmpty();
    }

    void medicationValidation() {
        List<String> errors = new ArrayList<>();
        int validated = 0;
        for (Found f : suite.seen().values()) {
            List<JsonNode> medications = new ArrayList<>();
            if (f.resource().path("resourceType").asText().equals("Medication")) {
                medications.add(f.resource());
            }
            if (f.resource().path("resourceType").asText().equals(g.type())) {
                f.resource().path("contained").forEach(c -> {
                    if (c.path("resourceType").asText().equals("Medication")) {
                        medications.add(c);
                    }
                });
            }
            for (JsonNode m : medications) {
                validated++;
                suite.validator().errors(m.toString(), "http://hl7.org/fhir/us/core/StructureDefinition/us-core-medication")
                        .stream().limit(3).forEach(e -> errors.add("Medication/" + m.path("id").asText() + " " + e));
            }
        }
        assertThat(validated).as("Medications (contained or included) to validate").isPositive();
        assertThat(errors).isEmpty();
    }

    void mustSupport() {
        requireFound("check must-support elements on");
        List<JsonNode> resources = found().values().stream().map(Found::resource).toList();
        assertThat(mustSupport.missing(g.mustSupport(), resources))
                .as("must-support elements populated by none of the " + resources.size() + " " + g.type() + " resources")
                .isEmpty();
    }

    void referenceResolution() {
        requireFound("resolve references of");
        List<String> unresolved = new ArrayList<>();
        for (String path : g.references()) {
            boolean resolved = false;
            List<String> tried = new ArrayList<>();
            for (Found f : found().values()) {
                for (JsonNode v : mustSupport.values(f.resource(), path)) {
                    String ref = v.path("reference").asText(null);
                    if (ref == null || tried.size() >= 5 || tried.contains(ref)) {
                        continue;
                    }
                    tried.add(ref);
                    if (ref.startsWith("#")) {
                        for (JsonNode c : f.resource().path("contained")) {
                            resolved |= ("#" + c.path("id").asText()).equals(ref);
                        }
                    } else {
                        String typeAndId = FhirJson.typeAndId(ref);
                        if (typeAndId != null) {
                            Response r = suite.api().read(typeAndId, suite.tokens().get(f.patient()));
                            resolved = r.status() == 200
                                    && r.json().path("resourceType").asText().equals(typeAndId.substring(0, typeAndId.indexOf('/')));
                            if (resolved) {
                                suite.seen().putIfAbsent(typeAndId, new Found(r.json(), f.patient()));
                            } else {
                                tried.set(tried.size() - 1, ref + " -> " + r.status());
                            }
                        }
                    }
                    if (resolved) {
                        break;
                    }
                }
                if (resolved) {
                    break;
                }
            }
            if (!resolved) {
                unresolved.add(path + (tried.isEmpty() ? " (no reference found)" : " (tried " + tried + ")"));
            }
        }
        assertThat(unresolved).as("must-support references of which none resolved with the patient's token").isEmpty();
    }

    void custodian() {
        requireFound("find a custodian on");
        boolean custodian = found().values().stream().anyMatch(f -> f.resource().has("custodian"));
        if (!custodian) {
            for (Found p : suite.provenance().values()) {
                boolean targetsDoc = FhirJson.evaluate(p.resource(), "Provenance.target").stream()
                        .anyMatch(t -> t.path("reference").asText().contains("DocumentReference/"));
                boolean agent = !FhirJson.evaluate(p.resource(), "Provenance.agent.who").isEmpty()
                        || !FhirJson.evaluate(p.resource(), "Provenance.agent.onBehalfOf").isEmpty();
                custodian |= targetsDoc && agent;
            }
        }
        assertThat(custodian).as("a DocumentReference.custodian, or a Provenance of a DocumentReference with an agent").isTrue();
    }

    void practitionerAddress() {
        requireFound("find an address on");
        if (found().values().stream().anyMatch(f -> f.resource().has("address"))) {
            return;
        }
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, Found> f : found().entrySet()) {
            UsCoreApi.Searchset roles = suite.api().search("PractitionerRole", "practitioner=" + HttpSession.encode(f.getKey()),
                    suite.tokens().get(f.getValue().patient()));
            tried.add(roles.describe());
            if (roles.ok() && roles.matches().stream().anyMatch(r -> r.has("location") || r.has("telecom"))) {
                return;
            }
        }
        throw new AssertionError("no Practitioner has an address and no PractitionerRole?practitioner= found one with a "
                + "location: " + tried);
    }
}
