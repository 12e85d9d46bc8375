package org.portico.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.search.BatchResourceLoader;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.portico.fhir.PostgresTestDatabase;
import org.portico.fhir.TestServerProperties;
import org.portico.fhir.security.TestTokens;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The parsed-resource cache over HTTP against PostgreSQL: a repeated read or search is served from it,
 * and whatever changes a resource (an update, a tag or label added without a new version, a delete) is
 * what the next read or search shows; older versions read by vread or history stay as they were.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ParsedResourceCacheIT {

    private static final TestTokens TOKENS = new TestTokens();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServerProperties.register(registry, PostgresTestDatabase.get(), TOKENS);
    }

    @AfterAll
    static void stopJwks() {
        TOKENS.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    ParsedResourceCache cache;

    @Autowired
    DaoRegistry daos;

    @Autowired
    BatchResourceLoader searchLoader;

    @Test
    void aSecondReadIsServedFromTheCacheAndIsTheSameResource() throws Exception {
        String id = createPatient("Okafor");
        HttpResponse<String> first = send("GET", "/Patient/" + id, null);
        long hits = cache.stats().hitCount();
        HttpResponse<String> second = send("GET", "/Patient/" + id, null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cache.stats().hitCount()).as("hits after the second read").isGreaterThan(hits);
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void anUpdateIsSeenAtOnceAndTheOldVersionStaysAsItWas() throws Exception {
        String id = createPatient("Lindqvist");
        send("GET", "/Patient/" + id, null);
        send("GET", "/Patient/" + id, null);

        HttpResponse<String> updated = send("PUT", "/Patient/" + id,
                "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Lindqvist-Berg\"}]}");
        assertThat(updated.statusCode()).isEqualTo(200);

        JsonNode current = JSON.readTree(send("GET", "/Patient/" + id, null).body());
        assertThat(current.at("/name/0/family").asText()).isEqualTo("Lindqvist-Berg");
        assertThat(current.at("/meta/versionId").asText()).isEqualTo("2");
        JsonNode old = JSON.readTree(send("GET", "/Patient/" + id + "/_history/1", null).body());
        assertThat(old.at("/name/0/family").asText()).isEqualTo("Lindqvist");
        assertThat(old.at("/meta/versionId").asText()).isEqualTo("1");
    }

    @Test
    void aTagAddedWithoutANewVersionIsOnTheNextRead() throws Exception {
        String id = createPatient("Haddad");
        send("GET", "/Patient/" + id, null);
        send("GET", "/Patient/" + id, null);

        IFhirResourceDao<Patient> patients = daos.getResourceDao(Patient.class);
        Meta tag = new Meta();
        tag.addTag("http://example.org/tags", "reviewed", "Reviewed");
        patients.metaAddOperation(new IdType("Patient", id), tag, new SystemRequestDetails());

        JsonNode read = JSON.readTree(send("GET", "/Patient/" + id, null).body());
        assertThat(read.at("/meta/versionId").asText()).isEqualTo("1");
        assertThat(read.at("/meta/tag/0/code").asText()).isEqualTo("reviewed");
    }

    @Test
    void aDeletedResourceIsGone() throws Exception {
        String id = createPatient("Nakamura");
        send("GET", "/Patient/" + id, null);
        assertThat(send("DELETE", "/Patient/" + id, null).statusCode()).isIn(200, 204);
        assertThat(send("GET", "/Patient/" + id, null).statusCode()).isEqualTo(410);
    }

    @Test
    void aRepeatedSearchIsServedFromTheCacheAndShowsWhatARepeatedReadShows() throws Exception {
        assertThat(searchLoader).as("the loader HAPI's searches get").isInstanceOf(CachedBatchResourceLoader.class);
        String id = createPatient("Abernathy-Search");
        HttpResponse<String> first = send("GET", "/Patient?family=Abernathy-Search", null);
        long hits = cache.stats().hitCount();
        HttpResponse<String> second = send("GET", "/Patient?family=Abernathy-Search", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cache.stats().hitCount()).as("hits after the second search").isGreaterThan(hits);
        JsonNode firstEntry = JSON.readTree(first.body()).at("/entry/0/resource");
        JsonNode secondEntry = JSON.readTree(second.body()).at("/entry/0/resource");
        assertThat(secondEntry.at("/id").asText()).isEqualTo(id);
        assertThat(secondEntry).isEqualTo(firstEntry);
        assertThat(secondEntry).isEqualTo(JSON.readTree(send("GET", "/Patient/" + id, null).body()));
    }

    @Test
    void aSearchShowsAnUpdateAndATagAddedWithoutANewVersionAtOnce() throws Exception {
        String id = createPatient("Varga-Search");
        send("GET", "/Patient?_id=" + id, null);
        send("GET", "/Patient?_id=" + id, null);

        send("PUT", "/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Varga-Search\","
                + "\"given\":[\"Ilona\"]}]}");
        IFhirResourceDao<Patient> patients = daos.getResourceDao(Patient.class);
        Meta tag = new Meta();
        tag.addSecurity("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PSY", "psychiatry");
        patients.metaAddOperation(new IdType("Patient", id), tag, new SystemRequestDetails());

        JsonNode found = JSON.readTree(send("GET", "/Patient?_id=" + id, null).body()).at("/entry/0/resource");
        assertThat(found.at("/meta/versionId").asText()).isEqualTo("2");
        assertThat(found.at("/name/0/given/0").asText()).isEqualTo("Ilona");
        assertThat(found.at("/meta/security/0/code").asText()).isEqualTo("PSY");
        JsonNode history = JSON.readTree(send("GET", "/Patient/" + id + "/_history", null).body());
        assertThat(history.at("/entry/1/resource/name/0/given").isMissingNode()).as("version 1 as it was").isTrue();
    }

    @Test
    void aSummaryOrElementsSearchLeavesTheCachedResourceWhole() throws Exception {
        String id = createPatient("Oyelaran-Search");
        send("GET", "/Patient?_id=" + id, null);
        JsonNode summary = JSON.readTree(send("GET", "/Patient?_id=" + id + "&_elements=id", null).body()).at("/entry/0/resource");
        assertThat(summary.has("name")).isFalse();
        JsonNode whole = JSON.readTree(send("GET", "/Patient?_id=" + id, null).body()).at("/entry/0/resource");
        assertThat(whole.at("/name/0/family").asText()).isEqualTo("Oyelaran-Search");
        assertThat(whole.at("/text/div").asText()).contains("Oyelaran-Search");
    }

    private String createPatient(String family) throws Exception {
        HttpResponse<String> created = send("POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}],"
                + "\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">" + family + "&#160;&amp;</div>\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).at("/id").asText();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        String token = TOKENS.sign(TOKENS.claims(null, "system/*.cruds").claim(SmartClaims.CLIENT_ID, "cache-test")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json")
                .header("Prefer", "return=representation");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
