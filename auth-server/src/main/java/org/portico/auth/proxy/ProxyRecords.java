package org.portico.auth.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.tokens.PortalTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Mirrors each version of a proxy relationship into the patient's record (ADR 0019 item 2) so that apps
 * and exports see it as FHIR data: a {@code RelatedPerson/proxy-{relationshipId}} (the proxy, active while
 * the grant is) and a {@code Consent/proxy-{relationshipId}} (permit, the period, the actor, what they may
 * do, by whose decision, the legal document's reference), both written with PUT (the same ids each time,
 * so a later version replaces the earlier one) with the auth-server's own {@code system/RelatedPerson.cu
 * system/Consent.cu} token ({@link PortalTokens#proxyRecords()}). The auth-server's table stays the
 * authority: the mirror runs in the background, and a failed write is logged (the next change of that
 * relationship writes both resources again), never holding up a decision.
 */
@Component
public class ProxyRecords {

    static final String ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    private static final Logger log = LoggerFactory.getLogger(ProxyRecords.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PortalTokens tokens;
    private final UserAccounts users;
    private final String base;
    private final String issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "portico-proxy-records");
        thread.setDaemon(true);
        return thread;
    });

    public ProxyRecords(PortalTokens tokens, UserAccounts users, AuthProperties properties) {
        this.tokens = tokens;
        this.users = users;
        this.base = properties.fhirInternalBase();
        this.issuer = properties.issuer().toString();
    }

    /** Queues the mirror of this version of a relationship. */
    public void mirror(ProxyGrant grant) {
        String proxyName = users.findById(grant.proxyUserId()).map(u -> u.displayName()).orElse(null);
        writer.execute(() -> {
            try {
                put("RelatedPerson", relatedPerson(grant, proxyName, issuer));
                put("Consent", consent(grant));
            } catch (IOException | RuntimeException e) {
                log.warn("proxy relationship {} v{} not mirrored: {}", grant.relationshipId(), grant.version(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        writer.shutdown();
    }

    private void put(String type, Map<String, Object> resource) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + type + "/" + resource.get("id")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + tokens.proxyRecords())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(resource)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IOException(type + " answered " + response.statusCode());
        }
    }

    static String id(ProxyGrant grant) {
        return "proxy-" + grant.relationshipId();
    }

    static Map<String, Object> relatedPerson(ProxyGrant grant, String proxyName, String issuer) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resourceType", "RelatedPerson");
        r.put("id", id(grant));
        // the proxy's account, by its stable id (the sub of their tokens), never the username
        r.put("identifier", List.of(Map.of("system", issuer + "#user", "value", grant.proxyUserId())));
        r.put("active", grant.status() == ProxyGrant.Status.ACTIVE);
        r.put("patient", Map.of("reference", "Patient/" + grant.patientId()));
        Map<String, Object> relationship = new LinkedHashMap<>();
        if (grant.decidedBy() != ProxyGrant.DecidedBy.PATIENT) {
            relationship.put("coding", List.of(Map.of("system", ROLE_CODE, "code", "GUARD", "display", "guardian")));
        }
        relationship.put("text", grant.decidedBy() == ProxyGrant.DecidedBy.PATIENT ? "proxy chosen by the patient" : "guardian");
        r.put("relationship", List.of(relationship));
        if (proxyName != null) {
            r.put("name", List.of(Map.of("text", proxyName)));
        }
        return r;
    }

    static Map<String, Object> consent(ProxyGrant grant) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("resourceType", "Consent");
        c.put("id", id(grant));
        c.put("status", grant.status() == ProxyGrant.Status.ACTIVE ? "active" : "inactive");
        c.put("scope", Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/consentscope",
                "code", "patient-privacy"))));
        c.put("category", List.of(Map.of("coding", List.of(Map.of("system", "http://loinc.org", "code", "59284-0")))));
        c.put("patient", Map.of("reference", "Patient/" + grant.patientId()));
        c.put("dateTime", grant.recordedAt().toString());
        c.put("policyRule", Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code", "OPTIN"))));
        if (grant.documentReference() != null) {
            c.put("sourceReference", Map.of("display", grant.documentReference()));
        }
        Map<String, Object> period = new LinkedHashMap<>();
        period.put("start", grant.validFrom().toString());
        if (grant.validUntil() != null) {
            period.put("end", grant.validUntil().toString());
        }
        List<Map<String, Object>> actions = new ArrayList<>();
        actions.add(Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/consentaction", "code", "access"))));
        if (grant.level() == ProxyGrant.Level.FULL) {
            actions.add(Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/consentaction",
                    "code", "correct"))));
        }
        Map<String, Object> provision = new LinkedHashMap<>();
        provision.put("type", "permit");
        provision.put("period", period);
        provision.put("actor", List.of(Map.of(
                "role", Map.of("coding", List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                        "code", "IRCP"))),
                "reference", Map.of("reference", "RelatedPerson/" + id(grant)))));
        provision.put("action", actions);
        c.put("provision", provision);
        return c;
    }
}
