package org.portico.auth.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;

class ClientKeySettingsTest {

    @Test
    void whenInlineJwksHasPublicKeysThenAccepted() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        String json = ClientKeySettings.validatedInlineJwks(new JWKSet(key).toPublicJWKSet().toString());
        assertThat(JWKSet.parse(json).getKeyByKeyId("k1").isPrivate()).isFalse();
    }

    @Test
    void whenInlineJwksHasAPrivateKeyOrNoKeysOrIsNotJsonThenRefused() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertThatThrownBy(() -> ClientKeySettings.validatedInlineJwks(new JWKSet(key).toString(false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key");
        assertThatThrownBy(() -> ClientKeySettings.validatedInlineJwks("{\"keys\":[]}")).hasMessageContaining("no keys");
        assertThatThrownBy(() -> ClientKeySettings.validatedInlineJwks("keys")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenJwksUriIsNotAnAbsoluteHttpUrlThenRefused() {
        assertThat(ClientKeySettings.validatedJwksUri("https://app.example.org/jwks.json")).isEqualTo("https://app.example.org/jwks.json");
        assertThatThrownBy(() -> ClientKeySettings.validatedJwksUri("/jwks.json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientKeySettings.validatedJwksUri("file:///etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
