package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2llIn0.c2lnbmF0dXJlLXZhbHVl";

    @Test
    void whenAuthorizationOrCookieHeadersThenOnlyTheSchemeOrNameStays() {
        assertThat(Redaction.header("Authorization", "Bearer " + JWT)).isEqualTo("Bearer <redacted>");
        assertThat(Redaction.header("authorization", "Basic dXNlcjpwdw==")).isEqualTo("Basic <redacted>");
        assertThat(Redaction.header("Cookie", "JSESSIONID=abc")).isEqualTo("<redacted>");
        assertThat(Redaction.header("Set-Cookie", "JSESSIONID=abc; Path=/; HttpOnly")).isEqualTo("JSESSIONID=<redacted>; Path=/; HttpOnly");
    }

    @Test
    void whenAUrlOrFormCarriesSecretsThenTheirValuesGoAndTheRestStays() {
        assertThat(Redaction.query("http://127.0.0.1/cb?code=abc123&state=xyz"))
                .isEqualTo("http://127.0.0.1/cb?code=<redacted>&state=xyz");
        assertThat(Redaction.body(
                "grant_type=authorization_code&code=c&code_verifier=v&client_id=app&client_secret=s&password=p&refresh_token=r"))
                .isEqualTo("grant_type=authorization_code&code=<redacted>&code_verifier=<redacted>&client_id=app"
                        + "&client_secret=<redacted>&password=<redacted>&refresh_token=<redacted>");
    }

    @Test
    void whenJsonCarriesTokensOrAJwtAppearsAnywhereThenRedacted() {
        String body = "{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"client_secret\":\"s3cr3t\",\"patient\":\"123\","
                + "\"note\":\"" + JWT + "\"}";
        String redacted = Redaction.body(body);
        assertThat(redacted).doesNotContain("opaque").doesNotContain("s3cr3t").doesNotContain(JWT)
                .contains("\"token_type\":\"Bearer\"").contains("\"patient\":\"123\"");
        assertThat(Redaction.body("<input type=\"hidden\" name=\"_csrf\" value=\"tok\">"))
                .doesNotContain("tok\"");
        assertThat(Redaction.body("<a href=\"/cb?state=s&amp;code=abc\">"))
                .isEqualTo("<a href=\"/cb?state=s&amp;code=<redacted>\">");
        assertThat(Redaction.body("{\"url\":\"https://x/fhir/Observation?code=8302-2\"}")).doesNotContain("8302-2");
        assertThat(Redaction.body("{\"issue\":[{\"code\":\"processing\"}]}")).as("a FHIR code stays")
                .contains("\"code\":\"processing\"");
    }
}
