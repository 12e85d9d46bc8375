package org.portico.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key references stay in the key folder and the PORTICO_PULL_KEY_ variables; Retry-After and the FHIR base are read right. */
class PullKeysTest {

    @TempDir
    Path dir;

    @Test
    void whenAReferenceNamesAPrivateKeyInTheFolderOrAVariableThenItSigns() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        Files.writeString(dir.resolve("ec.jwk"), ec.toJSONString());
        PullKeys keys = new PullKeys(dir, Map.of("PORTICO_PULL_KEY_RSA", rsa.toJSONString())::get);

        PullKeys.SigningKey fromFile = keys.load("file:ec.jwk");
        assertThat(fromFile.algorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(fromFile.publicJwk().isPrivate()).isFalse();
        assertThat(fromFile.publicJwk().toJSONString()).doesNotContain(ec.getD().toString());
        assertThat(keys.load("env:PORTICO_PULL_KEY_RSA").algorithm()).isEqualTo(JWSAlgorithm.RS384);
    }

    @Test
    void whenAReferenceLeavesTheFolderOrThePrefixOrIsNoPrivateKeyThenItIsRefusedWithoutQuotingIt() throws Exception {
        Files.writeString(dir.resolve("public.jwk"), new ECKeyGenerator(Curve.P_384).generate().toPublicJWK().toJSONString());
        Files.writeString(dir.resolve("secret.txt"), "s3cr3t-value");
        Files.writeString(dir.resolve("small.jwk"), new RSAKeyGenerator(1024, true).generate().toJSONString());
        PullKeys keys = new PullKeys(dir, Map.of("HOME", "/root", "PORTICO_PULL_KEY_BAD", "s3cr3t-value")::get);
        for (String reference : new String[] {"file:../x.jwk", "file:/etc/passwd", "file:sub/x.jwk", "env:HOME", "env:PORTICO_PULL_KEY_NONE",
                "file:public.jwk", "file:secret.txt", "env:PORTICO_PULL_KEY_BAD", "file:small.jwk", "x.jwk", null}) {
            assertThatThrownBy(() -> keys.load(reference)).as(reference).isInstanceOf(PullKeys.KeyException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
        }
        assertThatThrownBy(() -> new PullKeys(null, name -> null).load("file:x.jwk")).hasMessageContaining("no key folder");
    }

    @Test
    void whenRetryAfterIsSecondsOrADateThenItIsHonouredAndOtherwiseIgnored() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        BulkClient client = new BulkClient(null, null, clock, Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertThat(client.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(client.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(client.retryAfter("soon")).isNull();
        assertThat(client.retryAfter(null)).isNull();
    }

    @Test
    void whenTheExportUrlIsAGroupPatientOrSystemExportThenTheFhirBaseIsWhatComesBefore() {
        for (String url : new String[] {"https://ehr.test/fhir/Group/g-1/$export", "https://ehr.test/fhir/Patient/$export",
                "https://ehr.test/fhir/$export"}) {
            PullSource pull = new PullSource("s", URI.create(url), null, "c", "file:k", "system/*.read", java.util.List.of(), Duration.ZERO);
            assertThat(pull.fhirBase()).as(url).isEqualTo(URI.create("https://ehr.test/fhir"));
        }
    }
}
