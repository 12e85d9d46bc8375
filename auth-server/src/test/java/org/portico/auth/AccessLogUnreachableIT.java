package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * The launch ITs' FHIR base ({@code http://fhir.test/fhir}, a reserved name that never resolves) is
 * also where the access-log page reads from: the page must still render, saying the log is unavailable.
 */
class AccessLogUnreachableIT extends LaunchITSupport {

    @Test
    void whenFhirServerIsUnreachableThenThePageRendersAndSaysTheLogIsUnavailable() {
        signIn("it-alice", "it-alice-password");
        HttpResponse<String> response = browser.get(URI.create("/account/access-log"));
        assertThat(response.statusCode()).isEqualTo(200);
        Document page = Jsoup.parse(response.body());
        assertThat(page.select("h1").eachText()).containsExactly("Who has seen my record");
        assertThat(page.selectFirst("#log-unavailable").text()).contains("cannot be shown right now");
        assertThat(page.select("section.app-log")).isEmpty();
        assertThat(response.body()).doesNotContain("Exception", "fhir.test");
    }
}
