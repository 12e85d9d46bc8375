package org.portico.auth.enrolment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.tokens.PortalTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The Patient records on the fhir-server, as a backend-services client ({@link PortalTokens#patientLookup()},
 * scope {@code system/Patient.rs}): searches for identity proofing and the staff desk, reads for the
 * contacts on a record. Calls go to {@code portico.auth.fhir-internal-url}; the fhir-server audits them
 * under the client {@code portico-enrolment}. Nothing here is logged (every answer is PHI).
 */
@Component
public class PatientDirectory {

    /** More matches than this are "ambiguous" anyway; the staff desk asks for a narrower search. */
    static final int MAX_RESULTS = 20;
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PortalTokens tokens;
    private final String base;
    private final HttpClient http;

    @Autowired
    public PatientDirectory(PortalTokens tokens, AuthProperties properties) {
        this(tokens, properties.fhirInternalBase());
    }

    PatientDirectory(PortalTokens tokens, String base) {
        this.tokens = tokens;
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The directory cannot answer now (fhir-server down or refusing); the message names no patient. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A Patient search with these FHIR search parameters (e.g. {@code family}, {@code given},
     * {@code birthdate}, {@code identifier}); at most {@link #MAX_RESULTS} records.
     */
    public List<PatientRecord> search(Map<String, String> parameters) throws Unavailable {
        String query = parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        JsonNode bundle = get(URI.create(base + "/Patient?" + query + "&_count=" + MAX_RESULTS));
        List<PatientRecord> records = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            if ("Patient".equals(resource.path("resourceType").asText())) {
                records.add(toRecord(resource));
            }
        }
        return records;
    }

    /** The Patient of that id; empty when there is none (or the id is not a FHIR id). */
    public Optional<PatientRecord> read(String id) throws Unavailable {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        HttpResponse<String> response = send(URI.create(base + "/Patient/" + id));
        if (response.statusCode() == 404 || response.statusCode() == 410) {
            return Optional.empty();
        }
        JsonNode resource = parse(response);
        return "Patient".equals(resource.path("resourceType").asText()) ? Optional.of(toRecord(resource)) : Optional.empty();
    }

    private JsonNode get(URI uri) throws Unavailable {
        JsonNode bundle = parse(send(uri));
        if (!"Bundle".equals(bundle.path("resourceType").asText())) {
            throw new Unavailable("Patient search did not answer a Bundle");
        }
        return bundle;
    }

    private HttpResponse<String> send(URI uri) throws Unavailable {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + tokens.patientLookup())
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("Patient lookup failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Patient lookup interrupted");
        }
    }

    private static JsonNode parse(HttpResponse<String> response) throws Unavailable {
        if (response.statusCode() != 200) {
            throw new Unavailable("Patient lookup answered " + response.statusCode());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unavailable("Patient lookup did not answer JSON");
        }
    }

    static PatientRecord toRecord(JsonNode patient) {
        JsonNode name = officialName(patient.path("name"));
        List<String> given = new ArrayList<>();
        name.path("given").forEach(g -> given.add(g.asText()));
        List<String> identifiers = new ArrayList<>();
        patient.path("identifier").forEach(i -> {
            if (i.hasNonNull("value")) {
                identifiers.add(i.path("value").asText());
            }
        });
        List<String> phones = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        // mobile numbers first: an SMS to a landline goes nowhere
        for (boolean mobile : new boolean[] {true, false}) {
            for (JsonNode telecom : patient.path("telecom")) {
                String system = telecom.path("system").asText();
                String value = telecom.path("value").asText("");
                if (value.isBlank() || "old".equals(telecom.path("use").asText()) || telecom.path("period").hasNonNull("end")) {
                    continue;
                }
                boolean isMobile = "mobile".equals(telecom.path("use").asText());
                if (("phone".equals(system) || "sms".equals(system)) && isMobile == mobile && !phones.contains(value)) {
                    phones.add(value);
                } else if ("email".equals(system) && mobile && !emails.contains(value)) {
                    emails.add(value);
                }
            }
        }
        return new PatientRecord(patient.path("id").asText(), given,
                name.hasNonNull("family") ? name.path("family").asText() : null,
                patient.hasNonNull("birthDate") ? patient.path("birthDate").asText() : null,
                identifiers, phones, emails, state(patient.path("address")));
    }

    /** The state of the home address, else of the first address without an end; null when none says. */
    private static String state(JsonNode addresses) {
        String first = null;
        for (JsonNode address : addresses) {
            if (address.path("period").hasNonNull("end") || !address.hasNonNull("state")) {
                continue;
            }
            if ("home".equals(address.path("use").asText())) {
                return address.path("state").asText();
            }
            if (first == null) {
                first = address.path("state").asText();
            }
        }
        return first;
    }

    /** The {@code official} (else {@code usual}, else first) name. */
    private static JsonNode officialName(JsonNode names) {
        for (String use : new String[] {"official", "usual"}) {
            for (JsonNode name : names) {
                if (use.equals(name.path("use").asText())) {
                    return name;
                }
            }
        }
        return names.path(0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
