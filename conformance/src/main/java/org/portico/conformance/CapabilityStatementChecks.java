package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Checks derived from the server's own CapabilityStatement: for every resource type it declares, every
 * search parameter it declares for that type is searched once with a well-formed value of the
 * parameter's type, with a {@code system/*.rs} backend token (registered like the (g)(10) backend
 * clients), and must answer 200 with a searchset Bundle. Results are not matched: the question is only
 * whether what the server advertises works. Composite and special parameters are skipped (no generic
 * value), and so is {@code _has}, whose declared name is only the prefix of its real syntax
 * ({@code _has:Type:reference:parameter}); a type the backend token may not read (401/403) is reported as
 * skipped, saying so.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapabilityStatementChecks {

    private final Deployment deployment;
    private final SmartClient smart;
    private JsonNode capabilities;
    private String token;

    CapabilityStatementChecks(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void fetch() {
        Response metadata = smart.http().get(smart.fhirUri("metadata"), "Accept", "application/fhir+json");
        assertThat(metadata.status()).as(metadata.describe()).isEqualTo(200);
        capabilities = metadata.json();
        G10.App backend = G10.apps(deployment).backendEs384();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", "system/*.rs");
        Response tokenResponse = smart.tokenRequest(backend.auth(), form);
        assertThat(tokenResponse.status()).as(tokenResponse.toString()).isEqualTo(200);
        token = tokenResponse.json().path("access_token").asText();
    }

    @TestFactory
    Stream<DynamicTest> everyDeclaredSearchParameterSearches() {
        List<JsonNode> resources = new ArrayList<>();
        for (JsonNode rest : capabilities.path("rest")) {
            if ("server".equals(rest.path("mode").asText())) {
                rest.path("resource").forEach(resources::add);
            }
        }
        return resources.stream().filter(r -> r.path("searchParam").size() > 0 && covers(r.path("type").asText())).map(resource -> {
            String type = resource.path("type").asText();
            return DynamicTest.dynamicTest("CAP-SEARCH " + type + ": each of its " + resource.path("searchParam").size()
                    + " declared search parameters -> 200 Bundle", () -> checkType(type, resource.path("searchParam")));
        });
    }

    /** Which declared types to search: all of them (the module's IT narrows this to keep CI short). */
    boolean covers(String type) {
        return true;
    }

    private void checkType(String type, JsonNode parameters) {
        List<String> failures = new ArrayList<>();
        int searched = 0;
        for (JsonNode parameter : parameters) {
            String name = parameter.path("name").asText();
            String value = sampleValue(parameter.path("type").asText());
            if (value == null || name.equals("_has")) {
                continue;
            }
            Response r = smart.read(type + "?" + HttpSession.encode(name) + "=" + HttpSession.encode(value) + "&_count=1", token);
            searched++;
            if (r.status() == 401 || r.status() == 403) {
                assumeTrue(false, type + " is not readable with system/*.rs (" + r.status() + ")");
            }
            if (r.status() != 200 || !isBundle(r)) {
                failures.add(name + "=" + value + " -> " + r.status() + " " + abbreviate(r.body()));
            }
        }
        assumeTrue(searched > 0, "no search parameter of " + type + " has a type with a generic value");
        assertThat(failures).as(type + ": declared search parameters that do not search").isEmpty();
    }

    /** A well-formed value of each search parameter type; null for composite and special. */
    static String sampleValue(String type) {
        return switch (type) {
            case "token" -> "http://example.org/fhir/kit|x";
            case "string" -> "x";
            case "date" -> "ge2000-01-01";
            case "reference" -> "kit-no-such-id";
            case "number" -> "1";
            case "quantity" -> "ge1";
            case "uri" -> "http://example.org/fhir/kit";
            default -> null;
        };
    }

    private static boolean isBundle(Response r) {
        try {
            return "Bundle".equals(r.json().path("resourceType").asText());
        } catch (IllegalStateException notJson) {
            return false;
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
