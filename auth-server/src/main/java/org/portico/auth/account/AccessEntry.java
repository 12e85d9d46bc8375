package org.portico.auth.account;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the access-log page needs of one AuditEvent in the IHE BALP shape the fhir-server writes
 * (docs/wire-contract.md "The patient's access log"), read from its JSON. Unknown or missing parts
 * stay null rather than failing: an odd event is still shown, in vaguer words.
 *
 * @param id             the AuditEvent id
 * @param recorded       {@code recorded}
 * @param clientId       the OAuth client: the agent whose {@code who.identifier.system} ends in {@code #client_id}
 * @param userSubject    the signed-in person: {@code who.identifier.value} of the agent with {@code altId}
 *                       (the user agent), or null for an app acting on its own
 * @param interaction    {@code subtype[0].code}: read, vread, search-type, create, ...
 * @param outcome        {@code outcome}: "0" success, "4" the request failed, "8" the server failed
 * @param outcomeDesc    {@code outcomeDesc}, e.g. "HTTP 403: ..."
 * @param resourceType   the resource type the request was about, from the request line (or the resources returned)
 * @param resourceCount  how many resources the response carried (entities with role 4)
 */
public record AccessEntry(
        String id,
        Instant recorded,
        String clientId,
        String userSubject,
        String interaction,
        String outcome,
        String outcomeDesc,
        String resourceType,
        int resourceCount) {

    static final String CLIENT_ID_SYSTEM_SUFFIX = "#client_id";
    static final String ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String ROLE_DOMAIN_RESOURCE = "4";
    private static final Pattern REQUEST_LINE = Pattern.compile("^[A-Z]+ /?([^?#]*)");
    private static final Pattern HTTP_STATUS = Pattern.compile("^HTTP (\\d{3})");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    /** Reads one AuditEvent resource (JSON). */
    public static AccessEntry from(JsonNode event) {
        String clientId = null;
        String user = null;
        for (JsonNode agent : event.path("agent")) {
            JsonNode identifier = agent.path("who").path("identifier");
            String system = text(identifier.path("system"));
            if (system != null && system.endsWith(CLIENT_ID_SYSTEM_SUFFIX)) {
                clientId = text(identifier.path("value"));
            } else if (agent.hasNonNull("altId") && identifier.hasNonNull("value")) {
                user = text(identifier.path("value"));
            }
        }
        String requestType = null;
        String returnedType = null;
        int returned = 0;
        for (JsonNode entity : event.path("entity")) {
            if (requestType == null) {
                requestType = typeInRequestLine(text(entity.path("description")));
            }
            JsonNode role = entity.path("role");
            if (ROLE_DOMAIN_RESOURCE.equals(text(role.path("code")))) {
                returned++;
                if (returnedType == null) {
                    // a reference, or (what the fhir-server writes for returned resources) an identifier "Type/id"
                    JsonNode what = entity.path("what");
                    String reference = text(what.path("reference"));
                    returnedType = typeOfReference(reference != null ? reference : text(what.path("identifier").path("value")));
                }
            }
        }
        return new AccessEntry(
                text(event.path("id")),
                instant(text(event.path("recorded"))),
                clientId,
                user,
                text(event.path("subtype").path(0).path("code")),
                text(event.path("outcome")),
                text(event.path("outcomeDesc")),
                requestType != null ? requestType : returnedType,
                returned);
    }

    public boolean succeeded() {
        return outcome == null || "0".equals(outcome);
    }

    /** The HTTP status named in {@code outcomeDesc} ("HTTP 403: ..."), or 0. */
    public int httpStatus() {
        if (outcomeDesc == null) {
            return 0;
        }
        Matcher m = HTTP_STATUS.matcher(outcomeDesc);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * The resource type a request line ("GET Observation?patient=1", "GET Patient/1/Condition") is about:
     * a compartment search names the type after the patient; null for server-level requests.
     */
    static String typeInRequestLine(String line) {
        if (line == null) {
            return null;
        }
        Matcher m = REQUEST_LINE.matcher(line.trim());
        if (!m.find()) {
            return null;
        }
        String[] segments = m.group(1).split("/");
        if (segments.length == 0 || !TYPE.matcher(segments[0]).matches()) {
            return null;
        }
        if (segments.length >= 3 && TYPE.matcher(segments[2]).matches()) {
            return segments[2]; // Patient/1/Observation
        }
        return segments[0];
    }

    private static String typeOfReference(String reference) {
        if (reference == null) {
            return null;
        }
        String[] parts = reference.split("/");
        // relative (Observation/1) or absolute (http://.../Observation/1[/_history/2])
        for (int i = parts.length - 2; i >= 0; i--) {
            if (TYPE.matcher(parts[i]).matches()) {
                return parts[i];
            }
        }
        return null;
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String s = node.asText();
        return s.isBlank() ? null : s;
    }
}
