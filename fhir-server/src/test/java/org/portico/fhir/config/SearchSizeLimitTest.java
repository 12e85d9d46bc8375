package org.portico.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSizeLimitTest {

    private final SearchSizeLimit limit = new SearchSizeLimit();

    @Test
    void whenASearchRepeatsAParameterBeyondTheLimitThenA400() {
        String[] codes = new String[500];
        java.util.Arrays.fill(codes, "1");
        assertThatThrownBy(() -> limit.limit(request(Map.of("patient", new String[] {"p"}, "code", codes))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("501 values");
    }

    @Test
    void whenASearchHasUpToTheLimitThenItGoesOn() {
        String[] values = new String[SearchSizeLimit.MAX_PARAMETER_VALUES - 1];
        java.util.Arrays.fill(values, "x");
        assertThat(limit.limit(request(Map.of("patient", new String[] {"p"}, "code", values)))).isTrue();
    }

    @Test
    void whenAnOrListIsLongThenItCountsOnce() {
        assertThat(limit.limit(request(Map.of("code", new String[] {"1,".repeat(400) + "1"})))).isTrue();
    }

    private static SystemRequestDetails request(Map<String, String[]> parameters) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setParameters(new LinkedHashMap<>(parameters));
        return request;
    }
}
