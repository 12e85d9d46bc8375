package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Negative and robustness probes beyond Inferno (architecture invariant 6): malformed tokens, oversize
 * requests, invalid FHIR JSON, injection-shaped search values, unknown parameters and types, and
 * malformed OAuth requests. Each must be answered with a 4xx and a clear body (an OperationOutcome
 * from the FHIR API, RFC 6749/7591 error JSON from the authorization server), never a 5xx or a stack
 * trace. Searches that a server may legitimately run (an unknown parameter ignored, an injection-shaped
 * value matched literally) may also answer 200 with a Bundle.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RobustnessProbes {

    /** What a probe's answer must be. */
    enum Expect {
        /** 4xx with an OperationOutcome. */
        FHIR_ERROR,
        /** 4xx with an OperationOutcome, or 200 with a searchset Bundle. */
        FHIR_ERROR_OR_BUNDLE,
        /** 4xx with RFC 6749 / 7591 error JSON ({@code error} a string). */
        OAUTH_ERROR,
        /** 4xx; the body (a browser page: there is no client to redirect to) shows no stack trace. */
        CLIENT_ERROR_PAGE
    }

    private record Probe(String id, String name, Expect expect, Supplier<Response> request) {}

    private static final String FHIR_JSON = "application/fhir+json";
    private static final List<String> STACK_TRACE_MARKS = List.of("\tat ", "at org.", "at java.", "Exception:",
            "NullPointerException", "org.hibernate", "org.postgresql", "PSQLException", "SQLState");

    private final Deployment deployment;
    private final SmartClient smart;
    private String token;
    private String patient;

    RobustnessProbes(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launch() {
        TokenResponse tokens = smart.launch(deployment.demo().publicClient(), deployment.demo().user(0),
                StandaloneLaunchChecks.SCOPE).tokens();
        token = tokens.accessToken();
        patient = tokens.patient();
    }

    @TestFactory
    Stream<DynamicTest> fhirApi() {
        List<Probe> probes = new ArrayList<>();
        String own = "Patient/" + patient;
        // malformed tokens
        probes.add(new Probe("PROBE-TOK-01", "empty Bearer token", Expect.FHIR_ERROR, () -> getWithAuthorization(own, "Bearer ")));
        probes.add(new Probe("PROBE-TOK-02", "Bearer token of two segments", Expect.FHIR_ERROR, () -> getWithAuthorization(own, "Bearer abc.def")));
        probes.add(new Probe("PROBE-TOK-03", "JWT whose header is not JSON", Expect.FHIR_ERROR,
                () -> getWithAuthorization(own, "Bearer " + b64("not json") + "." + b64("{}") + ".c2ln")));
        probes.add(new Probe("PROBE-TOK-04", "JWT with alg HS256 (a symmetric algorithm the server never signs with)", Expect.FHIR_ERROR,
                () -> getWithAuthorization(own, "Bearer " + b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
                        + b64("{\"sub\":\"x\",\"exp\":4102444800}") + "." + b64("signature"))));
        probes.add(new Probe("PROBE-TOK-05", "Bearer token of 6000 characters", Expect.FHIR_ERROR,
                () -> getWithAuthorization(own, "Bearer " + "A".repeat(6000))));
        probes.add(new Probe("PROBE-TOK-06", "Basic credentials instead of a Bearer token", Expect.FHIR_ERROR,
                () -> getWithAuthorization(own, "Basic " + b64("user:password"))));
        probes.add(new Probe("PROBE-TOK-07", "token with characters outside base64url", Expect.FHIR_ERROR,
                () -> getWithAuthorization(own, "Bearer ey!!.$$$.%%%")));
        // invalid FHIR JSON
        probes.add(new Probe("PROBE-JSON-01", "POST Patient with a body that is not JSON", Expect.FHIR_ERROR,
                () -> post("Patient", FHIR_JSON, "{\"resourceType\": \"Patient\", ")));
        probes.add(new Probe("PROBE-JSON-02", "POST a transaction Bundle that is not JSON", Expect.FHIR_ERROR,
                () -> post("", FHIR_JSON, "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", \"entry\": [")));
        probes.add(new Probe("PROBE-JSON-03", "POST a resource of an unknown resourceType", Expect.FHIR_ERROR,
                () -> post("Patient", FHIR_JSON, "{\"resourceType\": \"NoSuchType\", \"id\": \"x\"}")));
        probes.add(new Probe("PROBE-JSON-04", "POST Observation whose fields have the wrong JSON types", Expect.FHIR_ERROR,
                () -> post("Observation", FHIR_JSON, "{\"resourceType\": \"Observation\", \"status\": 42, \"code\": \"text\", "
                        + "\"subject\": [1, 2], \"valueQuantity\": {\"value\": \"abc\"}}")));
        probes.add(new Probe("PROBE-JSON-05", "POST a transaction Bundle whose entries are not objects", Expect.FHIR_ERROR,
                () -> post("", FHIR_JSON, "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", \"entry\": [1, \"x\", null]}")));
        probes.add(new Probe("PROBE-JSON-06", "POST a resource as XML declared as FHIR JSON", Expect.FHIR_ERROR,
                () -> post("Patient", FHIR_JSON, "<Patient xmlns=\"http://hl7.org/fhir\"/>")));
        // oversize
        probes.add(new Probe("PROBE-SIZE-01", "POST a 12 MB transaction Bundle", Expect.FHIR_ERROR,
                () -> post("", FHIR_JSON, hugeBundle(12 * 1024 * 1024))));
        probes.add(new Probe("PROBE-SIZE-02", "search with a 6 KB parameter value", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&code=" + "9".repeat(6 * 1024), token)));
        probes.add(new Probe("PROBE-SIZE-03", "search with 500 parameters", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&code=1".repeat(500), token)));
        probes.add(new Probe("PROBE-SIZE-04", "_count of 2147483648 (beyond a 32-bit integer)", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&_count=2147483648", token)));
        probes.add(new Probe("PROBE-SIZE-05", "_count of -1", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&_count=-1", token)));
        // injection-shaped values
        int injection = 1;
        for (String value : List.of("' OR '1'='1", "1; DROP TABLE hfj_resource; --", "<script>alert(1)</script>",
                "../../../../etc/passwd", "${jndi:ldap://127.0.0.1/x}", "%00", "\\u0000", "*", "{\"$gt\": \"\"}")) {
            String encoded = HttpSession.encode(value);
            probes.add(new Probe("PROBE-INJ-" + String.format(Locale.ROOT, "%02d", injection++), "Observation code = " + value,
                    Expect.FHIR_ERROR_OR_BUNDLE, () -> smart.read("Observation?patient=" + patient + "&code=" + encoded, token)));
        }
        probes.add(new Probe("PROBE-INJ-D1", "date with an injection-shaped value", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&date=" + HttpSession.encode("gt2020' OR '1'='1"), token)));
        probes.add(new Probe("PROBE-INJ-D2", "date that is not a date", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&date=ge2020-13-45T99:99", token)));
        probes.add(new Probe("PROBE-INJ-S1", "_sort by an injection-shaped parameter", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&_sort=" + HttpSession.encode("date;DROP TABLE x"), token)));
        probes.add(new Probe("PROBE-INJ-I1", "_include of an unknown path", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&_include=" + HttpSession.encode("Observation:no-such-param"), token)));
        probes.add(new Probe("PROBE-INJ-C1", "chained parameter on an unknown type", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&subject:NoSuchType.name=x", token)));
        probes.add(new Probe("PROBE-INJ-R1", "reference parameter with a path-traversal id", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + HttpSession.encode("../Patient/" + patient), token)));
        // unknown parameters, types and ids
        probes.add(new Probe("PROBE-UNK-01", "unknown search parameter", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&no-such-parameter=1", token)));
        probes.add(new Probe("PROBE-UNK-02", "unknown modifier", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&code:no-such-modifier=1", token)));
        probes.add(new Probe("PROBE-UNK-03", "unknown resource type", Expect.FHIR_ERROR, () -> smart.read("NoSuchType?x=1", token)));
        probes.add(new Probe("PROBE-UNK-04", "read with an id that is not a FHIR id", Expect.FHIR_ERROR,
                () -> smart.read("Patient/" + HttpSession.encode("a b$c*" + "x".repeat(80)), token)));
        probes.add(new Probe("PROBE-UNK-05", "unknown operation", Expect.FHIR_ERROR, () -> smart.read(own + "/$no-such-operation", token)));
        probes.add(new Probe("PROBE-UNK-06", "_format that is not a format", Expect.FHIR_ERROR_OR_BUNDLE,
                () -> smart.read("Observation?patient=" + patient + "&_format=" + HttpSession.encode("text/x-nonsense"), token)));
        probes.add(new Probe("PROBE-UNK-07", "DELETE of the CapabilityStatement", Expect.FHIR_ERROR,
                () -> smart.http().send(HttpSession.request(smart.fhirUri("metadata"), "Authorization", "Bearer " + token,
                        "Accept", FHIR_JSON).DELETE().build())));
        return probes.stream().map(p -> DynamicTest.dynamicTest(p.id() + " FHIR API: " + p.name() + " -> " + describe(p.expect()),
                () -> check(p.expect(), p.request().get())));
    }

    @TestFactory
    Stream<DynamicTest> authorizationServer() {
        SmartDiscovery discovery = smart.discovery();
        URI token = discovery.tokenEndpoint();
        ClientRegistration client = deployment.demo().publicClient();
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("PROBE-OAUTH-01", "token request without a body", Expect.OAUTH_ERROR, () -> postForm(token, "")));
        probes.add(new Probe("PROBE-OAUTH-02", "token request with an unknown grant_type", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=urn%3Ano%3Asuch&client_id=" + HttpSession.encode(client.clientId()))));
        probes.add(new Probe("PROBE-OAUTH-03", "authorization_code grant without a code", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=authorization_code&client_id=" + HttpSession.encode(client.clientId()))));
        probes.add(new Probe("PROBE-OAUTH-04", "a 100 KB authorization code", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=authorization_code&code=" + "x".repeat(100 * 1024) + "&redirect_uri="
                        + HttpSession.encode(client.redirectUri()) + "&code_verifier=" + "v".repeat(60)
                        + "&client_id=" + HttpSession.encode(client.clientId()))));
        probes.add(new Probe("PROBE-OAUTH-05", "form body with broken percent-encoding", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=authorization_code&code=%zz%&client_id=%E0%A4%A")));
        probes.add(new Probe("PROBE-OAUTH-06", "token request as JSON instead of a form", Expect.OAUTH_ERROR,
                () -> smart.http().send(HttpSession.request(token, "Content-Type", "application/json", "Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(),
                        "{\"grant_type\":\"client_credentials\"}")));
        probes.add(new Probe("PROBE-OAUTH-07", "refresh_token grant with a malformed refresh token", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=refresh_token&refresh_token=%00%01%02&client_id=" + HttpSession.encode(client.clientId()))));
        probes.add(new Probe("PROBE-OAUTH-08", "client_credentials with a client_assertion that is not a JWT", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=client_credentials&scope=system%2F*.rs&client_assertion_type="
                        + HttpSession.encode(ClientAuthentication.ASSERTION_TYPE) + "&client_assertion=not.a.jwt")));
        probes.add(new Probe("PROBE-OAUTH-09", "token request with Basic credentials that are not base64", Expect.OAUTH_ERROR,
                () -> smart.http().postForm(token, "grant_type=client_credentials", "Authorization", "Basic !!!notbase64",
                        "Accept", "application/json")));
        optional(discovery, "introspection_endpoint").ifPresent(endpoint -> probes.add(new Probe("PROBE-OAUTH-10",
                "introspection without client authentication", Expect.OAUTH_ERROR, () -> postForm(endpoint, "token=abc"))));
        optional(discovery, "revocation_endpoint").ifPresent(endpoint -> probes.add(new Probe("PROBE-OAUTH-11",
                "revocation without client authentication", Expect.OAUTH_ERROR, () -> postForm(endpoint, "token=abc"))));
        optional(discovery, "registration_endpoint").ifPresent(endpoint -> {
            probes.add(new Probe("PROBE-REG-01", "registration with a body that is not JSON", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "{\"client_name\": ")));
            probes.add(new Probe("PROBE-REG-02", "registration with redirect_uris not an array", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "{\"client_name\": \"x\", \"redirect_uris\": 42}")));
            probes.add(new Probe("PROBE-REG-03", "registration with a javascript: redirect URI", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "{\"client_name\": \"x\", \"redirect_uris\": [\"javascript:alert(1)\"], "
                            + "\"token_endpoint_auth_method\": \"none\"}")));
            probes.add(new Probe("PROBE-REG-04", "registration with a 2 MB client_name", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "{\"client_name\": \"" + "n".repeat(2 * 1024 * 1024) + "\", \"redirect_uris\": "
                            + "[\"https://app.example.org/cb\"], \"token_endpoint_auth_method\": \"none\"}")));
            probes.add(new Probe("PROBE-REG-05", "registration with a JSON array instead of an object", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "[1, 2, 3]")));
            probes.add(new Probe("PROBE-REG-06", "registration with a NUL character in client_name", Expect.OAUTH_ERROR,
                    () -> postJson(endpoint, "{\"client_name\": \"nul\\u0000name\", \"redirect_uris\": "
                            + "[\"https://app.example.org/cb\"], \"token_endpoint_auth_method\": \"none\"}")));
        });
        URI authorize = discovery.authorizationEndpoint();
        probes.add(new Probe("PROBE-OAUTH-12", "token request with a NUL character in client_id", Expect.OAUTH_ERROR,
                () -> postForm(token, "grant_type=authorization_code&code=x&client_id=%00")));
        probes.add(new Probe("PROBE-AUTHZ-01", "authorize without client_id", Expect.CLIENT_ERROR_PAGE,
                () -> smart.newSession().get(URI.create(authorize + "?response_type=code&state=s"))));
        probes.add(new Probe("PROBE-AUTHZ-02", "authorize with a 6 KB client_id", Expect.CLIENT_ERROR_PAGE,
                () -> smart.newSession().get(URI.create(authorize + "?response_type=code&state=s&client_id=" + "c".repeat(6 * 1024)))));
        probes.add(new Probe("PROBE-AUTHZ-03", "authorize with an unregistered, injection-shaped redirect_uri", Expect.CLIENT_ERROR_PAGE,
                () -> smart.newSession().get(URI.create(authorize + "?response_type=code&state=s&client_id="
                        + HttpSession.encode(client.clientId()) + "&redirect_uri=" + HttpSession.encode("javascript:alert(1)//")
                        + "&code_challenge=" + "a".repeat(43) + "&code_challenge_method=S256"))));
        return probes.stream().map(p -> DynamicTest.dynamicTest(p.id() + " authorization server: " + p.name() + " -> "
                + describe(p.expect()), () -> check(p.expect(), p.request().get())));
    }

    // ---- the verdict ----

    static void check(Expect expect, Response r) {
        assertThat(r.status()).as("never a server error: " + r).isLessThan(500);
        String body = r.body() == null ? "" : r.body();
        for (String mark : STACK_TRACE_MARKS) {
            assertThat(body).as("no stack trace or driver message in the body of " + r.describe()).doesNotContain(mark);
        }
        switch (expect) {
            case FHIR_ERROR -> assertOperationOutcome(r);
            case FHIR_ERROR_OR_BUNDLE -> {
                if (r.status() == 200) {
                    assertThat(r.json().path("resourceType").asText()).as(r.toString()).isEqualTo("Bundle");
                } else {
                    assertOperationOutcome(r);
                }
            }
            case OAUTH_ERROR -> {
                assertThat(r.status()).as(r.toString()).isBetween(400, 499);
                JsonNode json = r.json();
                assertThat(json.path("error").isTextual()).as("OAuth error JSON with a string error: " + r).isTrue();
            }
            case CLIENT_ERROR_PAGE -> assertThat(r.status()).as(r.toString()).isBetween(400, 499);
        }
    }

    private static void assertOperationOutcome(Response r) {
        assertThat(r.status()).as(r.toString()).isBetween(400, 499);
        assertThat(r.contentType()).as("Content-Type of " + r.describe()).containsIgnoringCase("json");
        assertThat(r.json().path("resourceType").asText()).as("an OperationOutcome: " + r).isEqualTo("OperationOutcome");
        assertThat(r.json().path("issue").path(0).path("diagnostics").asText(r.json().path("issue").path(0).path("code").asText()))
                .as("the OperationOutcome says what is wrong: " + r).isNotBlank();
    }

    private static String describe(Expect expect) {
        return switch (expect) {
            case FHIR_ERROR -> "4xx OperationOutcome";
            case FHIR_ERROR_OR_BUNDLE -> "200 Bundle or 4xx OperationOutcome";
            case OAUTH_ERROR -> "4xx OAuth error JSON";
            case CLIENT_ERROR_PAGE -> "4xx, no stack trace";
        };
    }

    // ---- requests ----

    private Response getWithAuthorization(String path, String authorization) {
        return smart.http().get(smart.fhirUri(path), "Authorization", authorization, "Accept", FHIR_JSON);
    }

    private Response post(String path, String contentType, String body) {
        URI uri = path.isEmpty() ? smart.fhirBase() : smart.fhirUri(path);
        return smart.http().send(HttpSession.request(uri, "Authorization", "Bearer " + token, "Content-Type", contentType,
                "Accept", FHIR_JSON).POST(HttpRequest.BodyPublishers.ofString(body)).build(), body);
    }

    private Response postForm(URI endpoint, String body) {
        return smart.http().postForm(endpoint, body, "Accept", "application/json");
    }

    private Response postJson(URI endpoint, String body) {
        return smart.http().send(HttpSession.request(endpoint, "Content-Type", "application/json", "Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), body);
    }

    private static java.util.Optional<URI> optional(SmartDiscovery discovery, String field) {
        JsonNode value = discovery.json().get(field);
        return value != null && value.isTextual() ? java.util.Optional.of(URI.create(value.asText())) : java.util.Optional.empty();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A syntactically valid transaction Bundle of about {@code bytes} bytes. */
    private static String hugeBundle(int bytes) {
        String entry = "{\"resource\":{\"resourceType\":\"Basic\",\"code\":{\"text\":\"" + "x".repeat(1000)
                + "\"}},\"request\":{\"method\":\"POST\",\"url\":\"Basic\"}}";
        StringBuilder b = new StringBuilder(bytes + 2000).append("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        while (b.length() < bytes) {
            b.append(entry).append(',');
        }
        b.setLength(b.length() - 1);
        return b.append("]}").toString();
    }
}
