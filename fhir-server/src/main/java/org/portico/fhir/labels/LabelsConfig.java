package org.portico.fhir.labels;

import org.portico.fhir.config.PorticoFhirProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The security-label rules (ADR 0021): the bundled file, or the operator's {@code portico.fhir.security-label-rules}. */
@Configuration(proxyBeanMethods = false)
class LabelsConfig {

    @Bean
    SecurityLabeler securityLabeler(PorticoFhirProperties properties) {
        return new SecurityLabeler(LabelRules.load(properties.securityLabelRules()));
    }
}
