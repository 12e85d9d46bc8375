package org.portico.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PorticoFhirPropertiesTest {

    private static PorticoFhirProperties withDemoDir(String demoDir) {
        return new PorticoFhirProperties(URI.create("http://localhost:8080/fhir"), null, null, demoDir, null, null, null);
    }

    @Test
    void whenDemoDirIsUnsetThenNoFolderIsLoaded() {
        assertThat(withDemoDir(null).demoPaths()).isEmpty();
        assertThat(withDemoDir(" ").demoPaths()).isEmpty();
    }

    @Test
    void whenDemoDirNamesOneFolderThenThatFolder() {
        assertThat(withDemoDir("../demo/fhir").demoPaths()).containsExactly(Path.of("../demo/fhir"));
    }

    @Test
    void whenDemoDirNamesSeveralFoldersThenEachInOrder() {
        assertThat(withDemoDir("demo/fhir, demo/us-core,").demoPaths())
                .containsExactly(Path.of("demo/fhir"), Path.of("demo/us-core"));
    }
}
