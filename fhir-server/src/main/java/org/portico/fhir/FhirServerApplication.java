package org.portico.fhir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

// HAPI brings Flyway and an Elasticsearch client as libraries; neither is used: the HAPI schema is
// migrated by HAPI's own migrator and full-text search is off
@SpringBootApplication(exclude = {FlywayAutoConfiguration.class, ElasticsearchRestClientAutoConfiguration.class})
@ConfigurationPropertiesScan
public class FhirServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(FhirServerApplication.class, args);
    }
}
