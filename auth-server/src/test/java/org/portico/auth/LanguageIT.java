package org.portico.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * English and Spanish: the browser's language chooses, the switch on every page overrides and is
 * remembered, any other language gets English, and the page's {@code lang} always says which.
 */
class LanguageIT extends LaunchITSupport {

    static final String SCOPE = "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs";

    Document page(String path, String acceptLanguage) {
        HttpRequest.Builder request = HttpRequest.newBuilder(browser.base.resolve(path)).header("Accept", "text/html");
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        HttpResponse<String> response = browser.send(request.GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        return Jsoup.parse(response.body(), browser.base.toString());
    }

    @Test
    void whenTheBrowserPrefersSpanishThenTheLoginPageIsSpanish() {
        Document doc = page("/login", "es-MX,es;q=0.9,en;q=0.5");
        assertThat(doc.selectFirst("html").attr("lang")).isEqualTo("es");
        assertThat(doc.selectFirst("h1").text()).isEqualTo("Inicie sesión en Portico");
        assertThat(doc.selectFirst("label[for=password]").text()).isEqualTo("Contraseña");
        // the switch offers the other language, named in that language
        Element other = doc.selectFirst("nav.lang a");
        assertThat(other.text()).isEqualTo("English");
        assertThat(other.attr("lang")).isEqualTo("en");
    }

    @Test
    void whenTheBrowserPrefersALanguageWeDoNotHaveThenEnglishAndTheLangAttributeSaysSo() {
        for (String language : new String[] {"fr-FR,fr;q=0.9", null, "de"}) {
            Document doc = page("/login", language);
            assertThat(doc.selectFirst("html").attr("lang")).as(String.valueOf(language)).isEqualTo("en");
            assertThat(doc.selectFirst("h1").text()).isEqualTo("Sign in to Portico");
        }
        // the first supported language in the browser's list wins, not only the first one
        assertThat(page("/login", "fr-FR,es;q=0.8").selectFirst("html").attr("lang")).isEqualTo("es");
    }

    @Test
    void whenThePatientSwitchesThenTheChoiceIsRememberedOverTheBrowsersLanguage() {
        assertThat(page("/login?lang=es", "en").selectFirst("h1").text()).isEqualTo("Inicie sesión en Portico");
        assertThat(page("/login", "en").selectFirst("html").attr("lang")).isEqualTo("es");
        assertThat(page("/login?lang=en", "es").selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(page("/login", "es").selectFirst("h1").text()).isEqualTo("Sign in to Portico");
        // a language we have no texts in is English, never a page that claims another language
        assertThat(page("/login?lang=de", "es").selectFirst("html").attr("lang")).isEqualTo("en");
    }

    @Test
    void whenTheConsentPageIsSpanishThenScopesAndCategoriesAreSpanishAndTheSwitchKeepsTheRequest() {
        browser.get(URI.create("/login?lang=es"));
        HttpResponse<String> first = browser.get(browser.authorizeUri(
                authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, SCOPE, "lang-1", SmartTestClient.Pkce.create())));
        assertThat(redirectOf(first).getPath()).isEqualTo("/login");
        Page consent = follow(browser.login("it-alice", "it-alice-password"));
        Document doc = consent.doc();
        assertThat(doc.selectFirst("html").attr("lang")).isEqualTo("es");
        assertThat(doc.select("#consent-form label").eachText())
                .contains("Leer y buscar sus resultados de laboratorio y signos vitales (Observation)")
                .anyMatch(label -> label.startsWith("Laboratorio (Laboratory): "))
                .anyMatch(label -> label.startsWith("Signos vitales (Vital Signs): "));
        assertThat(doc.selectFirst("#approve").text()).isEqualTo("Aprobar");

        // switching language on the consent page re-renders the same request in English
        Page english = follow(browser.get(URI.create(doc.selectFirst("nav.lang a").attr("href"))));
        assertThat(english.doc().selectFirst("html").attr("lang")).isEqualTo("en");
        assertThat(english.doc().select("#consent-form input[name=state]").val())
                .isEqualTo(doc.select("#consent-form input[name=state]").val());
        assertThat(english.doc().select("#consent-form label").eachText())
                .contains("Read and search your lab results and vital signs (Observation)");
    }
}
