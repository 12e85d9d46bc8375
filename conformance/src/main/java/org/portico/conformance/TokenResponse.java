package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.portico.smart.claims.SmartClaims;

/** A successful token response (RFC 6749 §5.1 with the SMART launch context). Absent fields are null. */
public record TokenResponse(JsonNode json) {

    public String accessToken() {
        return text("access_token");
    }

    public String tokenType() {
        return text("token_type");
    }

    public String scope() {
        return text(SmartClaims.SCOPE);
    }

    public String patient() {
        return text(SmartClaims.PATIENT);
    }

    public String idToken() {
        return text("id_token");
    }

    public String refreshToken() {
        return text("refresh_token");
    }

    private String text(String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Keeps tokens out of test reports. */
    @Override
    public String toString() {
        return "TokenResponse[fields=" + fieldNames() + ", scope=" + scope() + ", patient=" + patient() + "]";
    }

    private List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
