package org.portico.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * {@link ParsedResourceCache} hands out {@link Resource#copy()}s of a parsed resource instead of
 * parsing the stored text again: that is only right if a copy is, to every reader, the resource the
 * parser makes. Checked on every resource of the demo data and the test fixtures (Synthea narratives,
 * extensions, contained resources, references to them), and on a hand-made worst case, by encoding
 * both: the JSON an app receives must be the same, byte for byte.
 */
class ParsedResourceCopyTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void aCopyEncodesExactlyAsTheParsedResourceForEveryResourceWeHold() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("../demo/fhir", "../demo/us-core", "src/test/resources/ingest", "src/test/resources/uscore")) {
            try (Stream<Path> found = Files.walk(Path.of(dir))) {
                found.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
            }
        }
        IParser parser = FHIR.newJsonParser();
        int checked = 0;
        List<String> unfaithful = new ArrayList<>();
        for (Path file : files) {
            String json = Files.readString(file);
            if (!new ObjectMapper().readTree(json).has("resourceType")) {
                continue; // a manifest or a users file, not FHIR
            }
            Resource read = (Resource) parser.parseResource(json);
            List<Resource> resources = new ArrayList<>();
            if (read instanceof Bundle bundle) {
                bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                        .filter(r -> r != null).forEach(resources::add);
            } else {
                resources.add(read);
            }
            for (Resource resource : resources) {
                if (ParsedResourceCache.faithfulCopy(FHIR, resource) == null) {
                    unfaithful.add(resource.fhirType() + "/" + resource.getIdPart());
                    continue; // not cached: parsed every time
                }
                assertCopyIsFaithful(parser.encodeResourceToString(resource));
                checked++;
            }
        }
        assertThat(checked).as("resources checked").isGreaterThan(1000);
        // what copy() does not reproduce stays out of the cache; it is rare, so the cache still serves
        assertThat(unfaithful).as("resources whose copy differs").hasSizeLessThan(checked / 100);
    }

    @Test
    void aBase64BinaryWithOnlyAnExtensionIsLostByCopySoSuchAResourceIsNotCached() {
        String json = """
                {"resourceType": "DocumentReference", "id": "absent-data", "status": "current",
                 "content": [{"attachment": {"contentType": "text/plain",
                   "_data": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "error"}]}}}]}
                """;
        org.hl7.fhir.r4.model.DocumentReference parsed = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.DocumentReference.class, json);
        // HAPI's copy() drops it (the reason for the check)
        assertThat(parsed.copy().getContentFirstRep().getAttachment().getDataElement().hasExtension()).isFalse();
        assertThat(ParsedResourceCache.faithfulCopy(FHIR, parsed)).isNull();
        // a value without an extension copies faithfully, so such a resource is cached
        org.hl7.fhir.r4.model.DocumentReference withData = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.DocumentReference.class,
                json.replace("\"_data\": {\"extension\": [{\"url\": \"http://hl7.org/fhir/StructureDefinition/data-absent-reason\", \"valueCode\": \"error\"}]}",
                        "\"data\": \"bm90ZQ==\""));
        assertThat(withData.getContentFirstRep().getAttachment().hasData()).isTrue();
        assertThat(ParsedResourceCache.faithfulCopy(FHIR, withData)).isNotNull();
    }

    @Test
    void containedResourcesReferencesExtensionsAndNarrativeEntitiesSurviveTheCopy() {
        assertCopyIsFaithful("""
                {"resourceType":"MedicationRequest","id":"m1",
                 "meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]},
                 "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p>5&#160;mg &amp; more &lt;b&gt; &#x263A;</p><table><tr><td>x</td></tr></table></div>"},
                 "contained":[{"resourceType":"Medication","id":"med","code":{"text":"sertraline"}}],
                 "extension":[{"url":"http://example.org/a","extension":[{"url":"b","valueDecimal":1.50}]},{"url":"http://example.org/c","valueString":"x"}],
                 "status":"active","intent":"order",
                 "medicationReference":{"reference":"#med"},
                 "subject":{"reference":"Patient/p1","display":"Amy"},
                 "_status":{"extension":[{"url":"http://example.org/s","valueBoolean":true}]},
                 "dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":0.50,"unit":"mg"}}]}]}
                """);
    }

    @Test
    void changingACopyLeavesTheOriginalAsItWas() {
        IParser parser = FHIR.newJsonParser();
        Resource original = (Resource) parser.parseResource("""
                {"resourceType":"Patient","id":"p1","name":[{"family":"Rivera","given":["Ana"]}],
                 "text":{"status":"generated","div":"<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Ana</div>"}}
                """);
        String before = parser.encodeResourceToString(original);
        org.hl7.fhir.r4.model.Patient copy = (org.hl7.fhir.r4.model.Patient) original.copy();
        copy.getNameFirstRep().setFamily("Changed");
        copy.getText().getDiv().addText("more");
        copy.getMeta().addSecurity().setCode("R");
        copy.setId("other");
        assertThat(parser.encodeResourceToString(original)).isEqualTo(before);
    }

    private static void assertCopyIsFaithful(String json) {
        IParser parser = FHIR.newJsonParser();
        Resource parsed = (Resource) parser.parseResource(json);
        String expected = parser.encodeResourceToString(parsed);
        Resource copy = ((Resource) parser.parseResource(json)).copy();
        assertThat(parser.encodeResourceToString(copy)).isEqualTo(expected);
    }
}
