package org.portico.fhir.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoDataLoaderTest {

    @Test
    void whenAFolderIsNamedThenItsGroupIdIsTheDemoGroupsWithTheFolderName() {
        assertThat(DemoDataLoader.folderGroupId(Path.of("../demo/us-core"))).isEqualTo("portico-demo-patients-us-core");
        assertThat(DemoDataLoader.folderGroupId(Path.of("/data/EHR Feed_2/"))).isEqualTo("portico-demo-patients-ehr-feed-2");
        assertThat(DemoDataLoader.folderGroupId(Path.of("/" + "x".repeat(80)))).hasSize(64).startsWith("portico-demo-patients-x");
    }
}
