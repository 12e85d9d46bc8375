package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 9, Additional Authorization Tests (G10 checklist §7.6): each row an independent launch. */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10AdditionalAuthorization {

    private final Deployment deployment;
    private final SmartClient smart;
    private final Credentials user;
    private G10.Apps apps;

    G10AdditionalAuthorization(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
        this.user = G10.patientUser(deployment);
    }

    @BeforeAll
    void register() {
        apps = G10.apps(deployment);
    }

    private Launch launch(G10.App app, String scope, LoginDriver.Choices choices) {
        return smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), user, scope, choices);
    }

    private AuthorizationRequest request(G10.App app, String scope, Pkce pkce) {
        return AuthorizationRequest.standalone(smart.discovery().authorizationEndpoint(), app.clientId(), G10.REDIRECT_URI,
                scope, smart.fhirBase(), pkce);
    }

    // ---- 9.16 public client ----

    @Test
    @DisplayName("9.16 [9.2] public client standalone launch: client_id in body, no secret -> 200; body, headers, id_token, patient read")
    void row_9_16_publicClient() {
        Response wellKnown = smart.http().get(smart.fhirUri(".well-known/smart-configuration"));
        assertThat(wellKnown.status()).isEqualTo(200);
        Launch launch = launch(apps.publicClient(), G10.STANDALONE_V2, LoginDriver.Choices.approveAll());
        assertThat(launch.authorization().trail().get(0)).startsWith("GET ");
        assertThat(launch.authorization().state()).contains(launch.request().state());
        G10.assertTokenBody(launch.tokenExchange());
        G10.assertNoStore(launch.tokenExchange());
        TokenResponse tokens = launch.tokens();
        assertThat(tokens.json().path("id_token").isTextual()).as("id_token").isTrue();
        Response read = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(read.status()).as(read.describe()).isEqualTo(200);
    }

    // ---- 9.3 revocation ----

    @Test
    @DisplayName("9.3 token revocation: Revoke on /account/apps -> refresh fails at once (400/401 invalid_grant), access token 401 within 5 s")
    void row_9_3_revocation() {
        G10.App app = G10.registerSymmetric(smart, "G10 revocation app", false);
        TokenResponse tokens = launch(app, G10.STANDALONE_V2, LoginDriver.Choices.approveAll()).tokens();
        Response before = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(before.status()).as("the token works before revocation: " + before.describe()).isEqualTo(200);

        Response revoke = smart.portal().revoke(smart.newSession(), user, app.clientId());
        Instant revokedAt = Instant.now();
        assertThat(revoke.status()).as(revoke.toString()).isIn(200, 302, 303);

        Response refresh = smart.refresh(app.auth(), tokens.refreshToken(), null);
        G10.assertOAuthError(refresh, 400, 401);
        assertThat(refresh.json().path("error").asText()).isEqualTo("invalid_grant");

        int status = 200;
        Duration elapsed = Duration.ZERO;
        while (elapsed.compareTo(Duration.ofSeconds(10)) < 0) {
            status = smart.read("Patient/" + tokens.patient(), tokens.accessToken()).status();
            elapsed = Duration.between(revokedAt, Instant.now());
            if (status == 401) {
                break;
            }
            sleep(100);
        }
        System.out.printf("[g10] 9.3 revoked access token rejected (HTTP %d) after %d ms%n", status, elapsed.toMillis());
        assertThat(status).as("access token status after revocation").isEqualTo(401);
        assertThat(elapsed).as("time until the fhir-server rejects the revoked token").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("9.3 attestation: tokens revoked at the patient's direction within 1 h")
    void row_9_3_attestation() {
        assumeTrue(false, "attestation (a human answers it in Inferno); the measured revocation is row_9_3_revocation");
    }

    // ---- 9.4 invalid aud ----

    @Test
    @DisplayName("9.4 invalid aud (https://inferno.healthit.gov/invalid_aud) -> no code reaches the app")
    void row_9_4_invalidAud() {
        AuthorizationRequest request = request(apps.symmetric(), G10.STANDALONE_V2, Pkce.generate())
                .withAud("https://inferno.healthit.gov/invalid_aud");
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as(outcome.describe()).isEmpty();
        if (outcome.redirectedToClient()) {
            assertThat(outcome.error()).isPresent();
        } else {
            assertThat(outcome.last().status()).as(outcome.describe()).isGreaterThanOrEqualTo(400);
        }
    }

    // ---- 9.17 invalid token request ----

    @Test
    @DisplayName("9.17.01 [9.6] exchange with code=BAD_CODE -> 400")
    void row_9_17_01_badCode() {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = request(apps.symmetric(), G10.STANDALONE_V1, pkce);
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        Response r = smart.exchangeCode(apps.symmetric().auth(), "BAD_CODE", G10.REDIRECT_URI, pkce.verifier());
        G10.assertOAuthError(r, 400);
    }

    @Test
    @DisplayName("9.17.02 [9.6] exchange of the real code with Basic BAD_CLIENT_ID:secret -> 400/401")
    void row_9_17_02_badClient() {
        Pkce pkce = Pkce.generate();
        AuthorizationRequest request = request(apps.symmetric(), G10.STANDALONE_V1, pkce);
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        Response r = smart.exchangeCode(ClientAuthentication.basic("BAD_CLIENT_ID", apps.symmetric().clientSecret()),
                outcome.code().get(), G10.REDIRECT_URI, pkce.verifier());
        G10.assertOAuthError(r, 400, 401);
    }

    // ---- 9.18 invalid PKCE ----

    private Response exchangeWithVerifier(java.util.function.Function<Pkce, String> verifier) {
        Pkce pkce = Pkce.of(UUID.randomUUID() + "-" + UUID.randomUUID());
        AuthorizationRequest request = request(apps.symmetric(), G10.STANDALONE_V1, pkce);
        AuthorizationOutcome outcome = smart.authorize(request, user);
        assertThat(outcome.code()).as(outcome.describe()).isPresent();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", outcome.code().get());
        form.put("redirect_uri", G10.REDIRECT_URI);
        String value = verifier.apply(pkce);
        if (value != null) {
            form.put("code_verifier", value);
        }
        return smart.tokenRequest(apps.symmetric().auth(), form);
    }

    @Test
    @DisplayName("9.18.01 [9.7] invalid PKCE: no code_verifier -> 400/401")
    void row_9_18_01_noVerifier() {
        G10.assertOAuthError(exchangeWithVerifier(p -> null), 400, 401);
    }

    @Test
    @DisplayName("9.18.02 [9.7] invalid PKCE: blank code_verifier -> 400/401")
    void row_9_18_02_blankVerifier() {
        G10.assertOAuthError(exchangeWithVerifier(p -> ""), 400, 401);
    }

    @Test
    @DisplayName("9.18.03 [9.7] invalid PKCE: random code_verifier -> 400/401")
    void row_9_18_03_randomVerifier() {
        G10.assertOAuthError(exchangeWithVerifier(p -> UUID.randomUUID() + "-" + UUID.randomUUID()), 400, 401);
    }

    @Test
    @DisplayName("9.18.04 [9.7] invalid PKCE: code_verifier = the challenge (plain) -> 400/401")
    void row_9_18_04_plainVerifier() {
        G10.assertOAuthError(exchangeWithVerifier(Pkce::challenge), 400, 401);
    }

    // ---- 9.19 EHR launch with patient scopes ----

    @Test
    @DisplayName("9.19 [9.9] EHR launch with launch openid fhirUser offline_access patient/Patient.rs: patient context, read 200, patient/Patient.rs granted")
    void row_9_19_ehrPatientScopes() {
        G10EhrLaunch.EhrLaunch launch = G10EhrLaunch.ehrLaunch(smart, apps.symmetric(), user, null, G10.EHR_PATIENT);
        TokenResponse tokens = launch.tokens();
        assertThat(tokens.patient()).isNotBlank().doesNotContain("/");
        Response read = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(read.status()).as(read.describe()).isEqualTo(200);
        List<String> granted = G10.scopes(tokens.scope());
        assertThat(granted.contains("patient/Patient.rs")
                || granted.contains("patient/Patient.r") && granted.contains("patient/Patient.s"))
                .as("granted " + granted).isTrue();
    }

    // ---- 9.20 introspection ----

    @Test
    @DisplayName("9.20 [9.11] introspection of an active token -> 200, active, client_id, exact scope, exp, patient, iss/sub of id_token, fhirUser")
    void row_9_20_01_active() throws Exception {
        URI endpoint = URI.create(smart.discovery().json().path("introspection_endpoint").asText());
        G10.App app = apps.symmetric();
        TokenResponse tokens = launch(app, G10.STANDALONE_V2, LoginDriver.Choices.approveAll()).tokens();
        Response r = smart.clientRequest(endpoint, app.auth(), Map.of("token", tokens.accessToken()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.path("active").asBoolean()).isTrue();
        assertThat(json.path("client_id").asText()).isEqualTo(app.clientId());
        assertThat(new LinkedHashSet<>(G10.scopes(json.path("scope").asText())))
                .isEqualTo(new LinkedHashSet<>(G10.scopes(tokens.scope())));
        assertThat(G10.scopes(json.path("scope").asText())).hasSameSizeAs(G10.scopes(tokens.scope()));
        assertThat(json.path("exp").asLong()).isGreaterThanOrEqualTo(Instant.now().minusSeconds(600).getEpochSecond());
        assertThat(json.path("patient").asText()).isEqualTo(tokens.patient());
        JWTClaimsSet idToken = G10Oidc.decode(tokens.idToken()).getJWTClaimsSet();
        assertThat(json.path("iss").asText()).isEqualTo(idToken.getIssuer());
        assertThat(json.path("sub").asText()).isEqualTo(idToken.getSubject());
        assertThat(json.path("fhirUser").asText()).isEqualTo(idToken.getStringClaim("fhirUser"));
    }

    @Test
    @DisplayName("9.20 [9.11] introspection of token=invalid_token_value -> 200 {\"active\":false} and nothing else")
    void row_9_20_02_inactive() {
        URI endpoint = URI.create(smart.discovery().json().path("introspection_endpoint").asText());
        Response r = smart.clientRequest(endpoint, apps.symmetric().auth(), Map.of("token", "invalid_token_value"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("active").isBoolean()).isTrue();
        assertThat(r.json().path("active").asBoolean()).isFalse();
        assertThat(r.json().size()).as("nothing but active: " + r.body()).isEqualTo(1);
    }

    // ---- 9.21 asymmetric client ----

    @Test
    @DisplayName("9.21 [9.12] asymmetric (private_key_jwt RS384) launch -> 200; patient read; id_token; refresh without/with scope; invalid refresh 400/401")
    void row_9_21_asymmetric() {
        G10.App app = apps.asymmetric();
        Launch launch = launch(app, G10.STANDALONE_V2, LoginDriver.Choices.approveAll());
        G10.assertTokenBody(launch.tokenExchange());
        G10.assertNoStore(launch.tokenExchange());
        TokenResponse tokens = launch.tokens();
        assertThat(tokens.json().path("id_token").isTextual()).isTrue();
        assertThat(smart.read("Patient/" + tokens.patient(), tokens.accessToken()).status()).isEqualTo(200);

        Response withoutScope = smart.refresh(app.auth(), tokens.refreshToken(), null);
        G10.assertTokenBody(withoutScope);
        G10.assertNoStore(withoutScope);
        String refresh = withoutScope.json().path("refresh_token").asText(tokens.refreshToken());
        Response withScope = smart.refresh(app.auth(), refresh, withoutScope.json().path("scope").asText());
        G10.assertTokenBody(withScope);
        assertThat(smart.read("Patient/" + tokens.patient(), withScope.json().path("access_token").asText()).status())
                .isEqualTo(200);
        G10.assertOAuthError(smart.refresh(app.auth(), UUID.randomUUID().toString(), null), 400, 401);
    }

    // ---- 9.22 v1 scopes ----

    @Test
    @DisplayName("9.22 [9.13] launch with v1 scopes: scopes (v1 or v2), unauthorized 401, patient read, unrestricted access")
    void row_9_22_v1Scopes() {
        TokenResponse tokens = launch(apps.symmetric(), G10.STANDALONE_V1, LoginDriver.Choices.approveAll()).tokens();
        assertThat(G10.scopeProblems(G10.STANDALONE_V1, tokens.scope(), "launch/patient", "patient", false)).isEmpty();
        Response anonymous = smart.http().get(smart.fhirUri("Patient/" + tokens.patient()), "Accept", "application/fhir+json");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(smart.read("Patient/" + tokens.patient(), tokens.accessToken()).status()).isEqualTo(200);
        assertThat(G10.typesWithoutRead(tokens.scope())).isEmpty();
        assertThat(G10.failedSearches(smart, tokens.accessToken(), G10.unrestrictedSearches(tokens.patient()))).isEmpty();
    }

    // ---- 9.25 fine-grained scopes ----

    @Test
    @DisplayName("9.25.01 fine-grained scopes group 1: granted exactly as requested; searches and reads filtered by category")
    void row_9_25_01_group1() {
        fineGrained(G10.FINE_GRAINED_1);
    }

    @Test
    @DisplayName("9.25.02 fine-grained scopes group 2: granted exactly as requested; searches and reads filtered by category")
    void row_9_25_02_group2() {
        fineGrained(G10.FINE_GRAINED_2);
    }

    private void fineGrained(List<String> granular) {
        String scope = "launch/patient openid fhirUser offline_access " + String.join(" ", granular);
        TokenResponse tokens = launch(apps.symmetric(), scope, LoginDriver.Choices.approveAll()).tokens();
        List<String> granted = G10.scopes(tokens.scope());
        assertThat(granted).as("every requested granular scope granted").containsAll(granular);
        for (String s : granted) {
            String[] p = G10.parse(s);
            if (p != null) {
                assertThat(p[1]).as("no wildcard: " + s).isNotEqualTo("*");
                if (p[1].equals("Condition") || p[1].equals("Observation")) {
                    assertThat(p[3]).as("no resource-level Condition/Observation scope: " + s).isNotNull();
                }
            }
        }
        TokenResponse full = launch(apps.symmetric(), G10.STANDALONE_V2, LoginDriver.Choices.approveAll()).tokens();
        String patient = tokens.patient();
        Map<String, Set<String>> grantedCategories = new LinkedHashMap<>();
        for (String s : granular) {
            String[] p = G10.parse(s);
            grantedCategories.computeIfAbsent(p[1], k -> new LinkedHashSet<>()).add(p[3].substring("?category=".length()));
        }
        List<String> problems = new ArrayList<>();
        for (String type : List.of("Condition", "Observation")) {
            Set<String> cats = grantedCategories.getOrDefault(type, Set.of());
            List<String> queries = new ArrayList<>();
            queries.add(type + "?patient=" + patient);
            List<String> allCodes = type.equals("Condition")
                    ? List.of("encounter-diagnosis", "problem-list-item", "health-concern")
                    : List.of("laboratory", "social-history", "vital-signs", "survey", "sdoh", "procedure");
            for (String code : allCodes) {
                queries.add(type + "?patient=" + patient + "&category=" + code);
            }
            for (String token : cats) { // the system|code variant Inferno also runs
                queries.add(type + "?patient=" + patient + "&category=" + HttpSession.encode(token));
            }
            if (type.equals("Observation")) {
                queries.add("Observation?patient=" + patient + "&category=vital-signs&date=ge1900-01-01");
                List<JsonNode> all = fetchAll("Observation?patient=" + patient, full.accessToken());
                String code = all.isEmpty() ? null : all.get(0).path("code").path("coding").path(0).path("code").asText(null);
                if (code != null) {
                    queries.add("Observation?patient=" + patient + "&code=" + code);
                }
            }
            Map<String, JsonNode> readTargets = new LinkedHashMap<>();
            for (String query : queries) {
                List<JsonNode> reference = fetchAll(query, full.accessToken());
                Set<String> expected = new LinkedHashSet<>();
                for (JsonNode resource : reference) {
                    String match = matchingCategory(resource, cats);
                    if (match != null) {
                        expected.add(resource.path("id").asText());
                        readTargets.putIfAbsent(match, resource);
                    } else {
                        readTargets.putIfAbsent("none", resource);
                    }
                }
                Response first = smart.read(query, tokens.accessToken());
                String queryValue = query.contains("&category=")
                        ? java.net.URLDecoder.decode(query.replaceAll(".*&category=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8)
                        : null;
                boolean inScope = queryValue != null
                        && cats.stream().anyMatch(c -> c.equals(queryValue) || c.endsWith("|" + queryValue));
                if (first.status() != 200) {
                    if (inScope || first.status() < 400 || first.status() >= 500) {
                        problems.add(query + " -> " + first.status() + (inScope ? " (in scope)" : ""));
                    }
                    continue;
                }
                Set<String> got = new LinkedHashSet<>();
                for (JsonNode resource : fetchAll(query, tokens.accessToken())) {
                    if (resource.path("resourceType").asText().equals(type)) {
                        got.add(resource.path("id").asText());
                    }
                }
                if ((inScope || !got.isEmpty()) && !got.equals(expected)) {
                    problems.add(query + ": got " + got.size() + " ids, expected " + expected.size()
                            + " (extra " + minus(got, expected) + ", missing " + minus(expected, got) + ")");
                }
            }
            for (Map.Entry<String, JsonNode> target : readTargets.entrySet()) {
                String path = type + "/" + target.getValue().path("id").asText();
                int status = smart.read(path, tokens.accessToken()).status();
                if (target.getKey().equals("none") ? status == 200 : status != 200) {
                    problems.add("read " + path + " (category " + target.getKey() + ") -> " + status);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new LinkedHashSet<>(a);
        result.removeAll(b);
        return result;
    }

    /** The granted category (system|code) a resource carries, or null. */
    private static String matchingCategory(JsonNode resource, Set<String> granted) {
        for (JsonNode category : resource.path("category")) {
            for (JsonNode coding : category.path("coding")) {
                String token = coding.path("system").asText() + "|" + coding.path("code").asText();
                if (granted.contains(token)) {
                    return token;
                }
            }
        }
        return null;
    }

    /** Every resource of a search, following next links. */
    private List<JsonNode> fetchAll(String path, String token) {
        List<JsonNode> resources = new ArrayList<>();
        Response page = smart.read(path, token);
        for (int i = 0; i < 50 && page.status() == 200; i++) {
            JsonNode bundle = page.json();
            bundle.path("entry").forEach(e -> {
                if (!"outcome".equals(e.path("search").path("mode").asText())) {
                    resources.add(e.path("resource"));
                }
            });
            String next = null;
            for (JsonNode link : bundle.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                break;
            }
            page = smart.http().getWithToken(URI.create(next), token, "Accept", "application/fhir+json");
        }
        return resources;
    }

    // ---- 9.28 granular scope selection ----

    @Test
    @DisplayName("9.28.01 [9.27] consent UI offers Condition and Observation categories for resource-level scopes")
    void row_9_28_01_consentOffersCategories() {
        AuthorizationRequest request = request(apps.symmetric(), G10.GRANULAR_SELECTION, Pkce.generate());
        Response consent = smart.portal().open(smart.newSession(), request.toUri(), user);
        Document page = Jsoup.parse(consent.body(), consent.uri().toString());
        Set<String> values = new LinkedHashSet<>();
        Set<String> labels = new LinkedHashSet<>();
        for (Element box : page.select("input[name=granular_scope]")) {
            values.add(box.val());
            Element label = page.selectFirst("label[for=" + box.id() + "]");
            if (label != null) {
                labels.add(label.text().split(":")[0].trim()); // "Laboratory: lab results, such as..."

            }
        }
        assertThat(values).as(consent.describe()).contains(
                "patient/Condition.rs?category=" + G10.CONDITION_CATEGORY + "|encounter-diagnosis",
                "patient/Condition.rs?category=" + G10.CONDITION_CATEGORY + "|problem-list-item",
                "patient/Condition.rs?category=" + G10.US_CORE_CONDITION_CATEGORY + "|health-concern",
                "patient/Observation.rs?category=" + G10.OBSERVATION_CATEGORY + "|procedure",
                "patient/Observation.rs?category=" + G10.OBSERVATION_CATEGORY + "|laboratory",
                "patient/Observation.rs?category=" + G10.OBSERVATION_CATEGORY + "|social-history",
                "patient/Observation.rs?category=" + G10.US_CORE_CATEGORY + "|sdoh",
                "patient/Observation.rs?category=" + G10.OBSERVATION_CATEGORY + "|survey",
                "patient/Observation.rs?category=" + G10.OBSERVATION_CATEGORY + "|vital-signs");
        assertThat(labels).contains("Encounter Diagnosis", "Problem List", "Health Concern", "Clinical Test",
                "Laboratory", "Social History", "SDOH", "Survey", "Vital Signs");
    }

    @Test
    @DisplayName("9.28.02 [9.27] patient picks sub-resource scopes: no resource-level Condition/Observation, granular for each, v2 Patient scope")
    void row_9_28_02_granularSelection() {
        Set<String> untick = Set.of(
                "patient/Condition.rs?category=" + G10.US_CORE_CONDITION_CATEGORY + "|health-concern",
                "patient/Observation.rs?category=" + G10.US_CORE_CATEGORY + "|sdoh");
        Launch launch = launch(apps.symmetric(), G10.GRANULAR_SELECTION, LoginDriver.Choices.untick(untick));
        List<String> granted = G10.scopes(launch.tokens().scope());
        assertThat(granted).doesNotContain("patient/Condition.rs", "patient/Observation.rs");
        for (String type : List.of("Condition", "Observation")) {
            assertThat(granted.stream().filter(s -> s.matches("patient/" + type + "\\.rs\\?.+=.+")))
                    .as("granular " + type + " scope in " + granted).isNotEmpty();
            assertThat(granted.stream().filter(s -> s.startsWith("patient/" + type + ".") && !s.contains("?")))
                    .as("resource-level " + type + " scope in " + granted).isEmpty();
        }
        assertThat(granted).containsAnyOf("patient/Patient.rs", "patient/Patient.r", "patient/Patient.*");
        assertThat(granted).doesNotContainAnyElementsOf(untick);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
