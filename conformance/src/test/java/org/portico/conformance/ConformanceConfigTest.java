package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceConfigTest {

    @TempDir
    Path dir;

    @Test
    void whenTheFileNamesVariablesThenTheyAreReadFromTheEnvironment() throws Exception {
        Path file = write("""
                {"fhirBase": "https://ehr.example.org/fhir",
                 "users": [{"username": "alice", "password": "${ALICE_PW}", "patient": "1", "acts_for": [{"patient": "2"}]}],
                 "clients": [{"client_id": "app", "type": "public", "redirect_uris": ["http://127.0.0.1/cb"]},
                             {"client_id": "conf", "client_secret": "${SECRET}", "redirect_uris": ["http://127.0.0.1/cb"]}],
                 "login": {"loginForm": "form#signin", "pickerForm": null}}
                """);
        ConformanceConfig config = ConformanceConfig.load(file, null, Map.of("ALICE_PW", "pw", "SECRET", "s")::get);

        assertThat(config.fhirBase()).isEqualTo(URI.create("https://ehr.example.org/fhir"));
        Credentials alice = config.logins().users().get(0);
        assertThat(alice.password()).isEqualTo("pw");
        assertThat(alice.patients()).containsExactly("1", "2");
        assertThat(config.logins().confidentialClient().clientSecret()).isEqualTo("s");
        assertThat(config.loginForms().loginForm()).isEqualTo("form#signin");
        assertThat(config.loginForms().pickerForm()).as("null: the server has no picker").isNull();
        assertThat(config.loginForms().consentForm()).isEqualTo(LoginForms.defaults().consentForm());
        assertThat(config.portalPages()).isEqualTo(PortalPages.defaults());
        assertThat(config.deployment().callsBackToLocalhost()).isFalse();
    }

    @Test
    void whenAVariableIsNotSetThenAnErrorNamesIt() throws Exception {
        Path file = write("{\"fhirBase\": \"https://x/fhir\", \"users\": [{\"username\": \"a\", \"password\": \"${NOPE}\"}]}");
        assertThatThrownBy(() -> ConformanceConfig.load(file, null, Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("${NOPE}");
    }

    @Test
    void whenTheCommandLineNamesAFhirBaseThenItWinsAndNoFileIsNeeded() {
        ConformanceConfig config = ConformanceConfig.load(null, URI.create("https://other/fhir"), k -> null);
        assertThat(config.fhirBase()).isEqualTo(URI.create("https://other/fhir"));
        assertThat(config.logins().users()).isEmpty();
        assertThatThrownBy(() -> ConformanceConfig.load(null, null, k -> null)).hasMessageContaining("--fhir-base");
    }

    @Test
    void checklistIdsAreTakenFromDisplayNames() {
        assertThat(ReportListener.checklistId("1.9.05 code exchange")).isEqualTo("1.9.05");
        assertThat(ReportListener.checklistId("3 / G7 well-known: GET")).isEqualTo("3 / G7");
        assertThat(ReportListener.checklistId("9.17.01 [9.6] exchange")).isEqualTo("9.17.01 [9.6]");
        assertThat(ReportListener.checklistId("1.02/1.03 TLS version")).isEqualTo("1.02/1.03");
        assertThat(ReportListener.checklistId("PROBE-TOK-01 FHIR API: empty")).isEqualTo("PROBE-TOK-01");
        assertThat(ReportListener.checklistId("patientInContextIsReadable()")).isEmpty();
    }

    private Path write(String json) throws Exception {
        Path file = dir.resolve("kit.json");
        Files.writeString(file, json);
        return file;
    }
}
