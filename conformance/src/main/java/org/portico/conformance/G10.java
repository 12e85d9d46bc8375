package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the G10* tests share: Inferno's scope strings (G10 checklist §6), the apps they register through
 * dynamic registration (once per run, like a developer would), and the checks Inferno repeats in many
 * groups (token response body §5, headers G3, scopes §6, OAuth errors G5).
 */
final class G10 {

    /** The 26 resource types of Inferno's default SMART 2 scope lists ({@code scope_constants.rb}). */
    static final List<String> TYPES = List.of("Medication", "AllergyIntolerance", "CarePlan", "CareTeam", "Condition",
            "Coverage", "Device", "DiagnosticReport", "DocumentReference", "Encounter", "Goal", "Immunization", "Location",
            "MedicationDispense", "MedicationRequest", "Observation", "Organization", "Patient", "Practitioner",
            "PractitionerRole", "Procedure", "Provenance", "QuestionnaireResponse", "RelatedPerson", "ServiceRequest",
            "Specimen");

    /** US Core 7 patient-compartment types that must be granted (§6). */
    static final List<String> COMPARTMENT_TYPES = List.of("Patient", "AllergyIntolerance", "CarePlan", "CareTeam",
            "Condition", "DiagnosticReport", "DocumentReference", "Goal", "Immunization", "MedicationRequest", "Observation",
            "Procedure", "Provenance", "ServiceRequest", "Coverage", "MedicationDispense", "Specimen", "Location");

    /** Types the unrestricted-access check (1.7 / 9.22) wants read access to (US Core 7). */
    static final List<String> UNRESTRICTED_TYPES = List.of("AllergyIntolerance", "CarePlan", "CareTeam", "Condition",
            "Device", "DiagnosticReport", "DocumentReference", "Encounter", "Goal", "Immunization", "MedicationRequest",
            "Observation", "Organization", "Procedure", "Patient", "Practitioner", "Provenance", "ServiceRequest", "Coverage",
            "MedicationDispense", "Location");

    /** Types whose scope may be patient/ or user/ in a standalone launch (§6). */
    static final Set<String> NON_COMPARTMENT_TYPES = Set.of("Encounter", "Device", "Location", "Medication", "Organization",
            "Practitioner", "PractitionerRole", "RelatedPerson");

    /** Types of the limited-access scope grant check (7.2, US Core 7). */
    static final List<String> LIMITED_CANDIDATES = List.of("AllergyIntolerance", "CarePlan", "CareTeam", "Condition",
            "Device", "DiagnosticReport", "DocumentReference", "Goal", "Immunization", "MedicationRequest", "Observation",
            "Procedure", "Patient", "Encounter", "ServiceRequest", "Specimen", "Coverage", "MedicationDispense", "Location");

    static final String STANDALONE_V2 = "launch/patient openid fhirUser offline_access " + resourceScopes("patient/", ".rs");
    static final String STANDALONE_V1 = "launch/patient openid fhirUser offline_access " + resourceScopes("patient/", ".read");
    static final String EHR_V2 = "launch openid fhirUser offline_access " + resourceScopes("user/", ".rs");
    static final String EHR_PATIENT = "launch openid fhirUser offline_access patient/Patient.rs";
    static final String GRANULAR_SELECTION =
            "launch/patient openid fhirUser offline_access patient/Condition.rs patient/Observation.rs patient/Patient.rs";

    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category";

    static final List<String> FINE_GRAINED_1 = List.of(
            "patient/Condition.rs?category=" + CONDITION_CATEGORY + "|encounter-diagnosis",
            "patient/Condition.rs?category=" + US_CORE_CONDITION_CATEGORY + "|health-concern",
            "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|laboratory",
            "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|social-history");
    static final List<String> FINE_GRAINED_2 = List.of(
            "patient/Condition.rs?category=" + CONDITION_CATEGORY + "|problem-list-item",
            "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|vital-signs",
            "patient/Observation.rs?category=" + OBSERVATION_CATEGORY + "|survey",
            "patient/Observation.rs?category=" + US_CORE_CATEGORY + "|sdoh");

    static final String REDIRECT_URI = "http://127.0.0.1/g10/redirect";
    static final String LAUNCH_URI = "http://127.0.0.1/g10/launch";
    private static final String USER_SCOPES =
            "openid fhirUser launch launch/patient offline_access patient/*.rs patient/*.read user/*.rs user/*.read";

    private static Apps apps;

    private G10() {}

    static String resourceScopes(String prefix, String suffix) {
        return TYPES.stream().map(t -> prefix + t + suffix).collect(Collectors.joining(" "));
    }

    /** The demo patient used for launches: the first demo login (a patient with their own record only). */
    static Credentials patientUser(Deployment deployment) {
        return deployment.demo().user(0);
    }

    /** A registered app as the suite holds it. */
    record App(String clientId, String clientSecret, JWK key, ClientAuthentication auth, JsonNode registration) {

        ClientRegistration registrationRecord() {
            return new ClientRegistration(clientId, clientSecret, List.of(REDIRECT_URI));
        }
    }

    /** The apps every G10 class uses, registered once per run by dynamic registration. */
    record Apps(App symmetric, App publicClient, App asymmetric, App backendEs384, App backendRs384) {}

    static synchronized Apps apps(Deployment deployment) {
        if (apps == null) {
            SmartClient smart = deployment.smartClient();
            apps = new Apps(
                    registerSymmetric(smart, "G10 confidential symmetric app", true),
                    registerPublic(smart),
                    registerAsymmetric(smart, rsaKey()),
                    registerBackend(smart, ecKey()),
                    registerBackend(smart, rsaKey()));
        }
        return apps;
    }

    static AppRegistrar registrar(SmartClient smart) {
        return new AppRegistrar(URI.create(smart.discovery().json().path("registration_endpoint").asText()), smart.newSession());
    }

    static App registerSymmetric(SmartClient smart, String name, boolean ehr) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", name);
        metadata.put("redirect_uris", List.of(REDIRECT_URI));
        metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
        metadata.put("token_endpoint_auth_method", "client_secret_basic");
        metadata.put("scope", USER_SCOPES);
        if (ehr) {
            metadata.put("launch_uri", LAUNCH_URI);
        }
        JsonNode json = registrar(smart).registerOrFail(metadata).json();
        String id = json.path("client_id").asText();
        String secret = json.path("client_secret").asText();
        return new App(id, secret, null, ClientAuthentication.basic(id, secret), json);
    }

    static App registerPublic(SmartClient smart) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "G10 public app");
        metadata.put("redirect_uris", List.of(REDIRECT_URI));
        metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
        metadata.put("token_endpoint_auth_method", "none");
        metadata.put("scope", USER_SCOPES);
        JsonNode json = registrar(smart).registerOrFail(metadata).json();
        String id = json.path("client_id").asText();
        return new App(id, null, null, ClientAuthentication.publicClient(id), json);
    }

    static App registerAsymmetric(SmartClient smart, JWK key) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "G10 confidential asymmetric app");
        metadata.put("redirect_uris", List.of(REDIRECT_URI));
        metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
        metadata.put("token_endpoint_auth_method", "private_key_jwt");
        metadata.put("token_endpoint_auth_signing_alg", key.getAlgorithm().getName());
        metadata.put("jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())));
        metadata.put("scope", USER_SCOPES);
        JsonNode json = registrar(smart).registerOrFail(metadata).json();
        String id = json.path("client_id").asText();
        return new App(id, null, key, ClientAuthentication.privateKeyJwt(id, key, smart.discovery().tokenEndpoint()), json);
    }

    static App registerBackend(SmartClient smart, JWK key) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "G10 backend services client " + key.getAlgorithm().getName());
        metadata.put("grant_types", List.of("client_credentials"));
        metadata.put("token_endpoint_auth_method", "private_key_jwt");
        metadata.put("token_endpoint_auth_signing_alg", key.getAlgorithm().getName());
        metadata.put("jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())));
        metadata.put("scope", "system/*.rs");
        JsonNode json = registrar(smart).registerOrFail(metadata).json();
        String id = json.path("client_id").asText();
        return new App(id, null, key, ClientAuthentication.privateKeyJwt(id, key, smart.discovery().tokenEndpoint()), json);
    }

    static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.RS384)
                    .keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID(UUID.randomUUID().toString()).algorithm(JWSAlgorithm.ES384)
                    .keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- checks Inferno repeats ----

    /** §5 / 1.9.06: access_token string, token_type Bearer, expires_in a JSON number, scope string. */
    static void assertTokenBody(Response response) {
        assertThat(response.status()).as(response.toString()).isIn(200);
        assertThat(response.contentType()).as("Content-Type").startsWith("application/json");
        JsonNode json = response.json();
        assertThat(json.path("access_token").isTextual()).as("access_token is a string: " + json.fieldNames()).isTrue();
        assertThat(json.path("token_type").asText()).as("token_type").isEqualToIgnoringCase("Bearer");
        assertThat(json.path("expires_in").isNumber()).as("expires_in is a JSON number: " + json.get("expires_in")).isTrue();
        assertThat(json.path("scope").isTextual()).as("scope is a string").isTrue();
    }

    /** G3 / 1.9.07: Cache-Control no-store and Pragma no-cache. */
    static void assertNoStore(Response response) {
        assertThat(response.header("Cache-Control")).as("Cache-Control of " + response.describe())
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(response.header("Pragma")).as("Pragma of " + response.describe())
                .hasValueSatisfying(v -> assertThat(v).contains("no-cache"));
    }

    /** G5: an RFC 6749 §5.2 error: one of {@code statuses} (never 403), JSON with a string {@code error}. */
    static void assertOAuthError(Response response, Integer... statuses) {
        assertThat(response.status()).as(response.toString()).isIn((Object[]) statuses);
        assertThat(response.json().path("error").isTextual()).as("error in " + response.body()).isTrue();
    }

    static List<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? List.of() : Arrays.asList(scope.trim().split("\\s+"));
    }

    private static final Pattern RESOURCE_SCOPE = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(\\?.*)?");

    /** A resource scope's parts: compartment, type, access; null for other scopes. */
    static String[] parse(String scope) {
        Matcher m = RESOURCE_SCOPE.matcher(scope);
        return m.matches() ? new String[] {m.group(1), m.group(2), m.group(3), m.group(4)} : null;
    }

    static boolean grantsRead(String access) {
        return access.equals("*") || access.equals("read") || (access.matches("c?ru?d?s?") && access.contains("r"));
    }

    /**
     * §6 {@code smart_scopes_test}: what is wrong with the received scopes. {@code launchScope} is
     * {@code launch/patient} or {@code launch}; {@code requiredType} {@code patient} or {@code user};
     * {@code v2Only} rejects v1 access strings.
     */
    static List<String> scopeProblems(String requested, String received, String launchScope, String requiredType,
            boolean v2Only) {
        List<String> problems = new ArrayList<>();
        List<String> req = scopes(requested);
        List<String> got = scopes(received);
        for (String fixed : List.of("openid", "fhirUser", "offline_access", launchScope)) {
            if (!req.contains(fixed)) {
                problems.add("requested scope lacks " + fixed);
            }
            if (!got.contains(fixed)) {
                problems.add("received scope lacks " + fixed);
            }
        }
        Set<String> grantedTypes = new LinkedHashSet<>();
        for (String s : got) {
            if (!s.startsWith("patient/") && !s.startsWith("user/") && !s.startsWith("system/")) {
                continue; // openid, fhirUser, launch/patient...
            }
            String[] p = parse(s);
            if (p == null) {
                problems.add("malformed resource scope " + s);
                continue;
            }
            String access = p[2];
            if (v2Only && !(access.equals("*") || access.matches("c?ru?d?s?"))) {
                problems.add("not a SMART v2 access string: " + s);
            }
            if (requiredType.equals("user") && !p[0].equals("user")) {
                problems.add("EHR launch scope is not user/: " + s);
            }
            if (requiredType.equals("patient") && !p[0].equals("patient")
                    && !(p[0].equals("user") && NON_COMPARTMENT_TYPES.contains(p[1]))) {
                problems.add("standalone scope for a compartment type is not patient/: " + s);
            }
            if (p[3] == null && grantsRead(access) || p[3] == null && access.contains("s")) {
                grantedTypes.add(p[1]);
            }
        }
        if (!grantedTypes.contains("*")) {
            for (String type : COMPARTMENT_TYPES) {
                if (!grantedTypes.contains(type)) {
                    problems.add("patient-compartment type not granted: " + type);
                }
            }
        }
        return problems;
    }

    /** 1.7 / 9.22: the types of {@link #UNRESTRICTED_TYPES} without a read grant in {@code received}. */
    static List<String> typesWithoutRead(String received) {
        Set<String> readable = new LinkedHashSet<>();
        for (String s : scopes(received)) {
            String[] p = parse(s);
            if (p != null && p[3] == null && grantsRead(p[2])) {
                readable.add(p[1]);
            }
        }
        if (readable.contains("*")) {
            return List.of();
        }
        return UNRESTRICTED_TYPES.stream().filter(t -> !readable.contains(t)).toList();
    }

    /** The per-type searches of 1.7 / 2.3 (US Core 7 list of the g10 kit), keyed by type. */
    static Map<String, String> unrestrictedSearches(String patient) {
        Map<String, String> searches = new LinkedHashMap<>();
        searches.put("Patient", "Patient?_id=" + patient);
        searches.put("AllergyIntolerance", "AllergyIntolerance?patient=" + patient);
        searches.put("CarePlan", "CarePlan?patient=" + patient + "&category=assess-plan");
        searches.put("CareTeam", "CareTeam?patient=" + patient + "&status=proposed");
        searches.put("Condition", "Condition?patient=" + patient);
        searches.put("Device", "Device?patient=" + patient);
        searches.put("DiagnosticReport", "DiagnosticReport?patient=" + patient + "&category=LAB");
        searches.put("DocumentReference", "DocumentReference?patient=" + patient);
        searches.put("Goal", "Goal?patient=" + patient);
        searches.put("Immunization", "Immunization?patient=" + patient);
        searches.put("MedicationRequest", "MedicationRequest?patient=" + patient + "&intent=proposal");
        searches.put("Observation", "Observation?patient=" + patient + "&code=2708-6");
        searches.put("Procedure", "Procedure?patient=" + patient);
        searches.put("Encounter", "Encounter?patient=" + patient);
        searches.put("ServiceRequest", "ServiceRequest?patient=" + patient);
        searches.put("Coverage", "Coverage?patient=" + patient);
        searches.put("MedicationDispense", "MedicationDispense?patient=" + patient);
        return searches;
    }

    /** Runs the searches; returns "path -> status" for each that is not 200 (a 400 with an OperationOutcome is retried by Inferno with a status; we report it). */
    static List<String> failedSearches(SmartClient smart, String accessToken, Map<String, String> searches) {
        List<String> failures = new ArrayList<>();
        for (String path : searches.values()) {
            Response r = smart.read(path, accessToken);
            if (r.status() != 200) {
                failures.add(path + " -> " + r.status());
            }
        }
        return failures;
    }

    /** Ids of the resources of type {@code type} in a searchset Bundle (following no pages). */
    static Set<String> ids(JsonNode bundle, String type) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            if (resource.path("resourceType").asText().equals(type)) {
                ids.add(resource.path("id").asText());
            }
        }
        return ids;
    }
}
