package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/**
 * The registration ITs' FHIR base ({@code http://fhir.test/fhir}, a reserved name that never resolves)
 * is also where their access-log page reads from (no internal URL set): the page must still render,
 * saying the log is unavailable.
 */
class AccessLogUnreachableIT extends RegistrationITSupport {

    @Test
    void whenFhirServerIsUnreachableThenThePageRendersAndSaysTheLogIsUnavailable() {
        HttpResponse<String> login = browser.login(ALICE, ALICE_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        HttpResponse<String> response = browser.get(URI.create("/account/access-log"));
        assertThat(response.statusCode()).isEqualTo(200);
        Document page = Jsoup.parse(response.body());
        assertThat(page.select("h1").eachText()).containsExactly("Who has seen my record");
        assertThat(page.selectFirst("#log-unavailable").text()).contains("cannot be shown right now");
        assertThat(page.select("section.app-log")).isEmpty();
        assertThat(response.body()).doesNotContain("Exception", "fhir.test");
    }
}
