package org.portico.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 2, Limited Access App (G10 checklist §7.2): the scenario-1 client, the same scopes; the
 * patient unticks every resource type on the consent page except Inferno's default expected
 * resources {@code patient, condition, observation}.
 */
@ExtendWith(DeploymentExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class G10LimitedAccess {

    static final Set<String> EXPECTED = Set.of("Patient", "Condition", "Observation");

    private final Deployment deployment;
    private final SmartClient smart;
    private Launch launch;
    private TokenResponse tokens;

    G10LimitedAccess(Deployment deployment) {
        this.deployment = deployment;
        this.smart = deployment.smartClient();
    }

    @BeforeAll
    void launchWithTypesUnticked() {
        G10.App app = G10.apps(deployment).symmetric();
        Set<String> untick = new LinkedHashSet<>();
        for (String type : G10.TYPES) {
            if (!EXPECTED.contains(type)) {
                untick.add("patient/" + type + ".rs");
            }
        }
        launch = smart.launch(app.clientId(), G10.REDIRECT_URI, app.auth(), G10.patientUser(deployment), G10.STANDALONE_V2,
                LoginDriver.Choices.untick(untick));
        tokens = launch.tokens();
    }

    @Test
    @DisplayName("2.4.01 [2.2] standalone launch: code with state, exchange -> 200 (redirect, code, token steps of 1.9)")
    void row_2_4_01_launch() {
        assertThat(launch.authorization().state()).contains(launch.request().state());
        assertThat(launch.tokenExchange().status()).isEqualTo(200);
    }

    @Test
    @DisplayName("2.4.02 token body and headers as 1.9.06/1.9.07")
    void row_2_4_02_body() {
        G10.assertTokenBody(launch.tokenExchange());
        G10.assertNoStore(launch.tokenExchange());
    }

    @Test
    @DisplayName("2.4.03 patient context read -> 200")
    void row_2_4_03_patientRead() {
        Response r = smart.read("Patient/" + tokens.patient(), tokens.accessToken());
        assertThat(r.status()).as(r.describe()).isEqualTo(200);
    }

    @Test
    @DisplayName("2 limited scope grant: expected types granted, every other type not, at least one denied")
    void row_2_limitedScopeGrant() {
        Set<String> granted = grantedTypes(tokens.scope());
        assertThat(granted).containsAll(EXPECTED);
        List<String> unexpected = new ArrayList<>();
        for (String type : G10.LIMITED_CANDIDATES) {
            if (!EXPECTED.contains(type) && granted.contains(type)) {
                unexpected.add(type);
            }
        }
        assertThat(unexpected).as("types the patient unticked but granted").isEmpty();
        assertThat(granted).doesNotContain("*");
        assertThat(G10.LIMITED_CANDIDATES.stream().filter(t -> !granted.contains(t))).isNotEmpty();
    }

    @Test
    @DisplayName("2.3 restricted access: searches of granted types -> 200, of denied types -> 401/403")
    void row_2_3_restrictedAccess() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> search : G10.unrestrictedSearches(tokens.patient()).entrySet()) {
            Response r = smart.read(search.getValue(), tokens.accessToken());
            boolean granted = EXPECTED.contains(search.getKey());
            if (granted ? r.status() != 200 : r.status() != 401 && r.status() != 403) {
                wrong.add(search.getValue() + " -> " + r.status() + (granted ? " (granted)" : " (denied)"));
            }
        }
        assertThat(wrong).isEmpty();
    }

    private static Set<String> grantedTypes(String scope) {
        Set<String> types = new LinkedHashSet<>();
        for (String s : G10.scopes(scope)) {
            String[] p = G10.parse(s);
            if (p != null && p[0].equals("patient") && G10.grantsRead(p[2])) {
                types.add(p[1]);
            }
        }
        return types;
    }
}
