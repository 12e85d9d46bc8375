package org.portico.fhir.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portico.fhir.authz.AuthzFixture.ENCOUNTER_DIAGNOSIS;
import static org.portico.fhir.authz.AuthzFixture.LAB;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The adversarial matrix: every resource type and search parameter the server's own
 * CapabilityStatement declares, with values taken from patient B's (and A's) real data so that the
 * searches would match B's data if they were not enforced, plus includes ({@code :iterate}, {@code *}),
 * chains, {@code _has}, history at every level, compartment searches, POST {@code _search}, reads of
 * B's and A's ids, paging links fetched with another token, batch/transaction bodies and operations;
 * each request is sent with four tokens of patient A: (a) {@code patient/*.rs}, (b) granular
 * Observation/Condition category scopes only, (c) without the requested type's scope, (d)
 * {@code user/*.rs} bound through {@code fhirUser}. Each response must hold nothing of B, nothing
 * outside the token's types and categories, the specified status, and never a 5xx.
 */
class AuthorizationMatrixIT extends AuthzItSupport {

    @Autowired
    ISearchParamRegistry searchParams;

    @Autowired
    FhirContext fhir;

    private static final Set<String> REFERENCE_TYPES = ScopeRules.REFERENCE_TYPES;

    /** A token of A and what it was granted. */
    record Profile(String name, Function<String, String> tokenFor, Function<String, Set<String>> typesFor,
            Map<String, Set<String>> categories) {

        String token(String requestType) {
            return tokenFor.apply(requestType);
        }

        boolean grants(String requestType, String resourceType) {
            Set<String> types = typesFor.apply(requestType);
            return types.contains("*") ? (ScopeRules.inPatientCompartment(FhirContext.forR4Cached(), resourceType)
                    || REFERENCE_TYPES.contains(resourceType)) : types.contains(resourceType);
        }

        /** Directory (reference) types too: narrowed to the entries A's data refers to (DirectoryNarrowing, ScopeEnforcementIT). */
        boolean searches(String requestType, String type) {
            return grants(requestType, type);
        }
    }

    enum Kind { SEARCH, READ_OTHER, READ_OWN, DENIED, NOT_SERVED, ANY }

    /** One request of the matrix; {@code type} is the type whose scope it needs (null: none in particular). */
    record Req(String method, String path, String body, String type, Kind kind) {}

    record Failure(String profile, Req req, int status, String problem) {
        @Override
        public String toString() {
            return profile + " " + req.method() + " " + req.path() + " -> " + status + ": " + problem;
        }
    }

    @Test
    void noTokenOfPatientASeesAnythingOfPatientBOnAnyPath() throws Exception {
        labelSomeOfA();
        JsonNode capability = json(get("/metadata", null));
        List<Req> requests = new ArrayList<>();
        Set<String> declaredTypes = new LinkedHashSet<>();
        for (JsonNode resource : capability.path("rest").path(0).path("resource")) {
            String type = resource.path("type").asText();
            declaredTypes.add(type);
            requests.addAll(requestsFor(type, resource));
        }
        requests.addAll(crossCuttingRequests());

        List<Profile> profiles = profiles(declaredTypes);
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> statuses = new TreeMap<>();
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Profile profile : profiles) {
                for (Req req : requests) {
                    futures.add(pool.submit(() -> {
                        run(profile, req, failures, statuses, sent);
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get();
            }
            sent.addAndGet(pagingWithSwappedTokens(profiles, failures));
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("Authorization matrix: %d requests in %d s (%d resource types declared, %d per token, %d tokens);"
                + " statuses %s; %d failures%n", sent.get(), (System.nanoTime() - started) / 1_000_000_000L,
                declaredTypes.size(), requests.size(), profiles.size(), statuses, failures.size());
        failures.stream().filter(f -> f.status() >= 500).forEach(f -> System.out.println("MATRIX FAILURE " + f));
        failures.stream().filter(f -> f.status() < 500).limit(400).forEach(f -> System.out.println("MATRIX FAILURE " + f));
        assertThat(sent.get()).isGreaterThan(3000);
        assertThat(failures).as("leaks, out-of-scope resources, unexpected statuses (first 40): %s",
                failures.stream().limit(40).map(Failure::toString).toList()).isEmpty();
    }

    // --- tokens ---

    private List<Profile> profiles(Set<String> declaredTypes) {
        String full = tokenA("patient/*.rs");
        String granularScopes = "patient/Patient.rs"
                + " patient/Observation.rs?category=" + LAB
                + " patient/Observation.rs?category=" + AuthzFixture.OBS_CATEGORY + "|survey"
                + " patient/Condition.rs?category=" + ENCOUNTER_DIAGNOSIS;
        String granular = tokenA(granularScopes);
        String user = userTokenA("user/*.rs");
        Map<String, String> withoutType = new java.util.concurrent.ConcurrentHashMap<>();
        return List.of(
                new Profile("(a) patient/*.rs", t -> full, t -> Set.of("*"), Map.of()),
                new Profile("(b) granular", t -> granular, t -> Set.of("Patient", "Observation", "Condition"),
                        Map.of("Observation", Set.of("laboratory", "survey"), "Condition", Set.of("encounter-diagnosis"))),
                new Profile("(c) without the type's scope",
                        t -> withoutType.computeIfAbsent(String.valueOf(t), k -> tokenA(String.join(" ", otherScopes(k)))),
                        t -> otherTypes(String.valueOf(t)), Map.of()),
                new Profile("(d) user/*.rs", t -> user, t -> Set.of("*"), Map.of()));
    }

    private static Set<String> otherTypes(String type) {
        return Set.of("Patient", "Encounter").contains(type) ? Set.of("Observation", "Condition") : Set.of("Patient", "Encounter");
    }

    private static List<String> otherScopes(String type) {
        return otherTypes(type).stream().map(t -> "patient/" + t + ".rs").sorted().toList();
    }

    // --- the requests ---

    private List<Req> requestsFor(String type, JsonNode declared) {
        List<Req> out = new ArrayList<>();
        boolean compartment = ScopeRules.inPatientCompartment(fhir, type);
        for (JsonNode param : declared.path("searchParam")) {
            String name = param.path("name").asText();
            for (String value : values(type, name, param.path("type").asText())) {
                out.add(new Req("GET", "/" + type + "?" + name + "=" + enc(value) + "&_count=50", null, type, Kind.SEARCH));
            }
        }
        List<String> bIds = b.ids(type);
        List<String> aIds = a.ids(type);
        String bId = bIds.isEmpty() ? b.id() : bIds.get(0);
        out.add(new Req("GET", "/" + type + "?_id=" + bId, null, type, Kind.SEARCH));
        out.add(new Req("POST", "/" + type + "/_search", "_id=" + bId, type, Kind.SEARCH));
        out.add(new Req("POST", "/" + type + "/_search", "patient=" + b.id(), type, Kind.SEARCH));
        out.add(new Req("GET", "/" + type + "?_include=*&_revinclude=*&_count=50", null, type, Kind.SEARCH));
        out.add(new Req("GET", "/" + type + "?_summary=count", null, type, Kind.SEARCH));
        out.add(new Req("GET", "/" + type + "?_summary=true&_elements=id,subject,patient&_total=accurate", null, type, Kind.SEARCH));
        out.add(new Req("GET", "/" + type + "?_has:Provenance:target:_id=authz-prov-" + b.tag(), null, type, Kind.SEARCH));
        int includes = 0;
        for (JsonNode include : declared.path("searchInclude")) {
            String inc = include.asText();
            out.add(new Req("GET", "/" + type + "?_include=" + enc(inc) + "&_count=50", null, type, Kind.SEARCH));
            if (includes++ < 3) {
                out.add(new Req("GET", "/" + type + "?_include:iterate=" + enc(inc) + "&_count=50", null, type, Kind.SEARCH));
            }
        }
        // every type may be revincluded into a Patient search; for the others, the first few and '*'
        int revincludes = 0;
        for (JsonNode revinclude : declared.path("searchRevInclude")) {
            if (type.equals("Patient") || revincludes++ < 4) {
                out.add(new Req("GET", "/" + type + "?_revinclude=" + enc(revinclude.asText()) + "&_count=50", null, type, Kind.SEARCH));
            }
        }
        out.add(new Req("GET", "/" + type + "?_revinclude:iterate=*&_count=20", null, type, Kind.SEARCH));
        for (JsonNode param : declared.path("searchParam")) {
            if (param.path("type").asText().equals("reference")) {
                String name = param.path("name").asText();
                out.add(new Req("GET", "/" + type + "?" + name + ".family=" + enc(b.family()), null, type, Kind.SEARCH));
                out.add(new Req("GET", "/" + type + "?" + name + ":Patient._id=" + b.id(), null, type, Kind.SEARCH));
            }
        }
        if (compartment && !type.equals("Patient")) {
            out.add(new Req("GET", "/Patient/" + b.id() + "/" + type, null, type, Kind.SEARCH));
            out.add(new Req("GET", "/Patient/" + a.id() + "/" + type, null, type, Kind.SEARCH));
        }
        // type history is refused to every token where the type has it; a type without it (AuditEvent) is not served
        boolean typeHistory = false;
        for (JsonNode interaction : declared.path("interaction")) {
            typeHistory |= interaction.path("code").asText().equals("history-type");
        }
        out.add(new Req("GET", "/" + type + "/_history", null, type, typeHistory ? Kind.DENIED : Kind.NOT_SERVED));
        for (String id : bIds.stream().limit(3).toList()) {
            out.add(new Req("GET", "/" + type + "/" + id, null, type, Kind.READ_OTHER));
            out.add(new Req("GET", "/" + type + "/" + id + "/_history/1", null, type, Kind.READ_OTHER));
            out.add(new Req("GET", "/" + type + "/" + id + "/_history", null, type, Kind.READ_OTHER));
            out.add(new Req("GET", "/" + type + "/" + id + "/$meta", null, type, Kind.DENIED));
            out.add(new Req("GET", "/" + type + "/" + id + "?_summary=true", null, type, Kind.READ_OTHER));
            out.add(new Req("GET", "/" + type + "?_id=" + id + "&_elements=id", null, type, Kind.SEARCH));
        }
        for (String id : aIds.stream().limit(2).toList()) {
            out.add(new Req("GET", "/" + type + "/" + id, null, type, Kind.READ_OWN));
            out.add(new Req("GET", "/" + type + "/" + id + "/_history/1", null, type, Kind.READ_OWN));
        }
        return out;
    }

    private List<Req> crossCuttingRequests() {
        List<Req> out = new ArrayList<>();
        String bObs = b.ids("Observation").get(0);
        out.add(new Req("GET", "/_history", null, null, Kind.DENIED));
        out.add(new Req("GET", "/?_type=Observation,Condition,Patient", null, null, Kind.NOT_SERVED));
        out.add(new Req("GET", "/Patient/" + b.id() + "/$everything", null, "Patient", Kind.READ_OTHER));
        out.add(new Req("GET", "/Patient/" + a.id() + "/$everything?_count=500", null, "Patient", Kind.ANY));
        out.add(new Req("GET", "/Patient/$everything", null, "Patient", Kind.DENIED));
        out.add(new Req("GET", "/$export", null, null, Kind.NOT_SERVED));
        out.add(new Req("GET", "/Patient/$export", null, "Patient", Kind.NOT_SERVED));
        out.add(new Req("GET", "/Group/g1/$export", null, "Group", Kind.NOT_SERVED));
        out.add(new Req("GET", "/$graphql?query=" + enc("{Patient(id:\"" + b.id() + "\"){id name{family}}}"), null, null, Kind.NOT_SERVED));
        out.add(new Req("GET", "/$meta", null, null, Kind.DENIED));
        out.add(new Req("POST", "/Observation/$validate", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/" + b.id() + "\"}}", "Observation", Kind.DENIED));
        out.add(new Req("GET", "/Binary/authz-bin-" + b.tag(), null, "Binary", Kind.READ_OTHER));
        out.add(new Req("GET", "/Binary/authz-bin-" + a.tag(), null, "Binary", Kind.DENIED));
        out.add(new Req("GET", "/DocumentReference?patient=" + a.id() + "&_include=*", null, "DocumentReference", Kind.SEARCH));
        out.add(new Req("GET", "/Observation?patient=" + a.id() + "&_include=Observation:subject&_revinclude=Provenance:target", null, "Observation", Kind.SEARCH));
        out.add(new Req("GET", "/Observation?subject:Patient.name=" + enc(b.family()), null, "Observation", Kind.SEARCH));
        out.add(new Req("GET", "/Patient?_has:Observation:patient:_id=" + bObs, null, "Patient", Kind.SEARCH));
        out.add(new Req("GET", "/Patient?_has:Condition:subject:code=" + enc("http://snomed.info/sct|44054006"), null, "Patient", Kind.SEARCH));
        out.add(new Req("GET", "/Patient?_id=" + a.id() + "," + b.id(), null, "Patient", Kind.SEARCH));
        out.add(new Req("GET", "/Observation?patient=" + a.id() + "," + b.id(), null, "Observation", Kind.SEARCH));
        out.add(new Req("GET", "/Observation?patient=" + a.id() + "&patient=" + b.id(), null, "Observation", Kind.SEARCH));
        out.add(new Req("GET", "/Observation?_getpages=nosuchsearch&_getpagesoffset=0&_count=10", null, null, Kind.ANY));
        out.add(new Req("POST", "", batch("batch", "GET", "Observation/" + bObs, "Patient/" + b.id(), "Observation?patient=" + b.id(),
                "Patient/" + b.id() + "/$everything", "Observation/" + bObs + "/_history"), null, Kind.ANY));
        out.add(new Req("POST", "", transactionWrites(), null, Kind.ANY));
        out.add(new Req("PUT", "/Observation/" + bObs, "{\"resourceType\":\"Observation\",\"id\":\"" + bObs
                + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + a.id() + "\"}}", "Observation", Kind.DENIED));
        out.add(new Req("DELETE", "/Observation/" + bObs, null, "Observation", Kind.DENIED));
        out.add(new Req("DELETE", "/Observation?patient=" + b.id(), null, "Observation", Kind.DENIED));
        out.add(new Req("PUT", "/Observation?identifier=" + enc("urn:portico:authz|multi-" + b.tag()),
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + b.id() + "\"}}",
                "Observation", Kind.DENIED));
        out.add(new Req("PATCH", "/Observation/" + bObs, "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]", "Observation", Kind.DENIED));
        return out;
    }

    private String batch(String type, String method, String... urls) {
        StringBuilder sb = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[");
        for (int i = 0; i < urls.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"request\":{\"method\":\"").append(method).append("\",\"url\":\"").append(urls[i]).append("\"}}");
        }
        return sb.append("]}").toString();
    }

    private String transactionWrites() {
        String bObs = b.ids("Observation").get(0);
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + b.id() + "\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},"
                + "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" + bObs + "\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + a.id() + "\"}},"
                + "\"request\":{\"method\":\"PUT\",\"url\":\"Observation/" + bObs + "\"}},"
                + "{\"request\":{\"method\":\"DELETE\",\"url\":\"Observation/" + bObs + "\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/" + bObs + "\"}}]}";
    }

    /** Values for a search parameter from B's data first, then A's; a value that names B when the data has none. */
    private List<String> values(String type, String name, String paramType) {
        Set<String> values = new LinkedHashSet<>();
        RuntimeSearchParam sp = searchParams.getActiveSearchParam(type, name, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
        if (sp != null && sp.getPath() != null && !sp.getPath().isBlank()) {
            for (var patient : List.of(b, a)) {
                List<String> ids = type.equals("Patient") ? List.of(patient.id()) : patient.ids(type);
                for (String id : ids.stream().limit(2).toList()) {
                    value(type, id, sp.getPath(), paramType).ifPresent(values::add);
                    if (values.size() >= (patient == b ? 1 : 2)) {
                        break;
                    }
                }
            }
        }
        if (values.isEmpty()) {
            values.add(switch (paramType) {
                case "reference" -> "Patient/" + b.id();
                case "string" -> b.family();
                case "date" -> "ge1900-01-01";
                case "number", "quantity" -> "gt0";
                case "uri" -> "http://example.org/" + b.tag();
                case "token" -> b.id();
                default -> b.tag();
            });
        }
        return List.copyOf(values);
    }

    private java.util.Optional<String> value(String type, String id, String path, String paramType) {
        try {
            IBaseResource resource = daos.getResourceDao(type).read(new IdType(type, id), new SystemRequestDetails());
            for (IBase element : fhir.newFhirPath().evaluate(resource, path, IBase.class)) {
                String v = format(element, paramType);
                if (v != null && !v.isBlank()) {
                    return java.util.Optional.of(v);
                }
            }
        } catch (RuntimeException e) {
            // an expression this evaluator cannot run (resolve(), extensions...): the fallback value is used
        }
        return java.util.Optional.empty();
    }

    private static String format(IBase e, String paramType) {
        return switch (paramType) {
            case "token" -> e instanceof CodeableConcept cc && cc.hasCoding() ? coding(cc.getCodingFirstRep())
                    : e instanceof Coding c ? coding(c)
                    : e instanceof Identifier i ? (i.hasSystem() ? i.getSystem() + "|" : "") + i.getValue()
                    : e instanceof ContactPoint cp ? cp.getValue()
                    : e instanceof PrimitiveType<?> p ? p.getValueAsString() : null;
            case "string" -> e instanceof HumanName n ? n.getFamily()
                    : e instanceof Address ad ? ad.getCity()
                    : e instanceof PrimitiveType<?> p && p.getValueAsString() != null
                            ? p.getValueAsString().substring(0, Math.min(6, p.getValueAsString().length())) : null;
            case "reference" -> e instanceof Reference r ? r.getReference() : null;
            case "date" -> e instanceof BaseDateTimeType d && d.getValueAsString() != null ? d.getValueAsString().substring(0, 10)
                    : e instanceof Period p && p.hasStart() ? p.getStartElement().getValueAsString().substring(0, 10) : null;
            case "quantity", "number" -> e instanceof Quantity q && q.hasValue() ? q.getValue().toPlainString()
                    : e instanceof PrimitiveType<?> p ? p.getValueAsString() : null;
            case "uri" -> e instanceof PrimitiveType<?> p ? p.getValueAsString() : null;
            default -> null;
        };
    }

    private static String coding(Coding c) {
        return (c.hasSystem() ? c.getSystem() + "|" : "") + c.getCode();
    }

    // --- running and judging ---

    private void run(Profile profile, Req req, ConcurrentLinkedQueue<Failure> failures, Map<String, AtomicInteger> statuses,
            AtomicInteger sent) throws Exception {
        String token = profile.token(req.type());
        HttpResponse<String> r = req.method().equals("GET") ? get(req.path(), token)
                : send(req.method(), req.path(), token, req.body(),
                        req.method().equals("PATCH") ? new String[] {"Content-Type", "application/json-patch+json"} : new String[0]);
        sent.incrementAndGet();
        synchronized (statuses) {
            statuses.computeIfAbsent(String.valueOf(r.statusCode()), k -> new AtomicInteger()).incrementAndGet();
        }
        judge(profile, req, r, failures);
    }

    private void judge(Profile profile, Req req, HttpResponse<String> r, ConcurrentLinkedQueue<Failure> failures) throws Exception {
        int status = r.statusCode();
        if (status >= 500) {
            failures.add(new Failure(profile.name(), req, status, "server error " + abbreviate(r.body())));
            return;
        }
        List<String> leaks = leaks(b, r.body(), req.path() + " " + req.body());
        if (!leaks.isEmpty()) {
            failures.add(new Failure(profile.name(), req, status, "LEAK of " + leaks));
        }
        String outside = outsideGrant(profile, req, r.body());
        if (outside != null) {
            failures.add(new Failure(profile.name(), req, status, "outside the grant: " + outside));
        }
        String type = req.type();
        Set<Integer> expected = switch (req.kind()) {
            // 400: a malformed search is refused before any scope is looked at
            case SEARCH -> profile.searches(type, type) ? Set.of(200, 400, 403) : Set.of(400, 403);
            case READ_OTHER, DENIED -> Set.of(403);
            // endpoints this server does not register (GraphQL, system search) or refuses to these tokens (bulk export, ADR 0013)
            case NOT_SERVED -> Set.of(400, 403, 404);
            case READ_OWN -> Set.of(200, 403);
            case ANY -> Set.of(200, 400, 403, 404);
        };
        if (!expected.contains(status)) {
            failures.add(new Failure(profile.name(), req, status, "status not in " + expected + " " + abbreviate(r.body())));
        }
        if (req.kind() == Kind.READ_OWN && profile.grants(type, type) && !profile.categories().containsKey(type) && status != 200) {
            failures.add(new Failure(profile.name(), req, status, "own resource not readable"));
        }
        if (status == 403 && !r.body().contains("\"OperationOutcome\"")) {
            failures.add(new Failure(profile.name(), req, status, "403 without an OperationOutcome"));
        }
    }

    /**
     * A's record also holds sensitive data (ADR 0019) that none of the matrix's tokens may see: a Condition
     * labelled PSY, an Observation of restricted confidentiality, and an Encounter labelled ETH that A's
     * other data does not refer to. No response may carry any of them ({@link #outsideGrant}).
     */
    private void labelSomeOfA() {
        Reference subject = new Reference("Patient/" + a.id());
        Condition condition = new Condition();
        condition.setSubject(subject).setCode(new CodeableConcept().setText("matrix: labelled PSY"));
        condition.getMeta().addSecurity(SensitiveData.ACT_CODE, "PSY", null);
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL).setSubject(subject)
                .setCode(new CodeableConcept().setText("matrix: restricted"))
                .addCategory().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null));
        observation.getMeta().addSecurity(SensitiveData.CONFIDENTIALITY, "R", null);
        Encounter encounter = new Encounter();
        encounter.setStatus(Encounter.EncounterStatus.FINISHED).setSubject(subject)
                .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
        encounter.getMeta().addSecurity(SensitiveData.ACT_CODE, "ETH", null);
        for (Resource resource : List.of(condition, observation, encounter)) {
            daos.getResourceDao(resource.fhirType()).create(resource, new SystemRequestDetails());
        }
    }

    /** The first resource in the body of a type, or of a category, the token was not granted; null if none. */
    private String outsideGrant(Profile profile, Req req, String body) throws Exception {
        if (!body.startsWith("{")) {
            return null;
        }
        JsonNode root = JSON.readTree(body);
        List<JsonNode> resources = new ArrayList<>();
        if (root.path("resourceType").asText().equals("Bundle")) {
            for (JsonNode entry : root.path("entry")) {
                if (entry.has("resource") && !entry.path("search").path("mode").asText().equals("outcome")) {
                    resources.add(entry.path("resource"));
                }
                // a batch answer's entries carry their own outcome
                if (entry.path("response").has("outcome")) {
                    resources.add(entry.path("response").path("outcome"));
                }
            }
        } else {
            resources.add(root);
        }
        for (JsonNode res : resources) {
            String type = res.path("resourceType").asText();
            if (Set.of("OperationOutcome", "CapabilityStatement", "Bundle", "Parameters").contains(type)) {
                continue;
            }
            for (JsonNode label : res.path("meta").path("security")) {
                if (SensitiveData.LABELS.contains(label.path("system").asText() + "|" + label.path("code").asText())) {
                    return type + "/" + res.path("id").asText() + " with the withheld label " + label.path("code").asText();
                }
            }
            if (!profile.grants(req.type(), type)) {
                return type + "/" + res.path("id").asText();
            }
            Set<String> granted = profile.categories().get(type);
            if (granted != null) {
                boolean any = false;
                for (JsonNode cat : res.path("category")) {
                    for (JsonNode coding : cat.path("coding")) {
                        any |= granted.contains(coding.path("code").asText());
                    }
                }
                if (!any) {
                    return type + "/" + res.path("id").asText() + " category " + res.path("category");
                }
            }
        }
        return null;
    }

    /** B's searches, paged, fetched page by page with each of A's tokens: never B's results. */
    private int pagingWithSwappedTokens(List<Profile> profiles, ConcurrentLinkedQueue<Failure> failures) throws Exception {
        int count = 0;
        String tokenB = tokenB("patient/*.rs");
        for (String search : List.of("/Observation?_count=2", "/Condition?_count=1", "/Encounter?_count=2&_include=*",
                "/Encounter?_revinclude=*&_count=1", "/Claim?_count=2", "/Observation?category=" + enc(LAB) + "&_count=2")) {
            HttpResponse<String> first = get(search, tokenB);
            count++;
            if (first.statusCode() != 200) {
                failures.add(new Failure("B's token", new Req("GET", search, null, null, Kind.ANY), first.statusCode(), "B's own search failed"));
                continue;
            }
            String next = null;
            for (JsonNode link : json(first).path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                failures.add(new Failure("B's token", new Req("GET", search, null, null, Kind.ANY), 200, "no next link"));
                continue;
            }
            String local = base() + next.substring(org.portico.fhir.security.TestTokens.FHIR_BASE.toString().length());
            for (Profile profile : profiles) {
                HttpResponse<String> page = get(local, profile.token("Observation"));
                count++;
                Req req = new Req("GET", local, null, null, Kind.ANY);
                judge(profile, req, page, failures);
            }
        }
        return count;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
