package org.portico.auth.registration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.portico.auth.clients.JwksUriGuard;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registration endpoint (RFC 7591) and the client configuration endpoint (RFC 7592) at
 * {@code registration_client_uri}. Open to any developer unless the operator configured an initial
 * access token. SAS 1.5 only has the OIDC registration endpoint, which always needs an initial access
 * token and cannot update or delete: see docs/adr/0007.
 */
@RestController
public class ClientRegistrationController {

    static final int MAX_BODY = 64 * 1024;

    private final ClientRegistrationService registrations;
    private final RegistrationSettings settings;
    private final ObjectMapper json;
    private final JwksUriGuard jwksUris;

    public ClientRegistrationController(ClientRegistrationService registrations, RegistrationSettings settings, ObjectMapper json,
            JwksUriGuard jwksUris) {
        this.registrations = registrations;
        this.settings = settings;
        this.json = json;
        this.jwksUris = jwksUris;
    }

    @PostMapping(AuthEndpoints.REGISTRATION_PATH)
    public ResponseEntity<Map<String, Object>> register(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        if (StringUtils.hasText(settings.initialAccessToken())) {
            String presented = bearer(authorization);
            if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    settings.initialAccessToken().getBytes(StandardCharsets.UTF_8))) {
                throw RegistrationException.invalidToken("this server needs an initial access token to register apps");
            }
        }
        ClientMetadata metadata = ClientMetadataValidator.validate(parse(body), jwksUris);
        return noStore(HttpStatus.CREATED).body(registrations.register(metadata));
    }

    @GetMapping(AuthEndpoints.REGISTRATION_PATH + "/{clientId}")
    public ResponseEntity<Map<String, Object>> read(
            @PathVariable String clientId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return noStore(HttpStatus.OK).body(registrations.read(clientId, bearer(authorization)));
    }

    @PutMapping(AuthEndpoints.REGISTRATION_PATH + "/{clientId}")
    public ResponseEntity<Map<String, Object>> update(
            @PathVariable String clientId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) String body) {
        String token = bearer(authorization);
        // authenticate before reading the body: a stranger learns nothing from validation errors
        registrations.read(clientId, token);
        return noStore(HttpStatus.OK).body(registrations.update(clientId, token, parse(body)));
    }

    @DeleteMapping(AuthEndpoints.REGISTRATION_PATH + "/{clientId}")
    public ResponseEntity<Void> delete(
            @PathVariable String clientId,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        registrations.delete(clientId, bearer(authorization));
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(RegistrationException.class)
    ResponseEntity<Map<String, Object>> error(RegistrationException e) {
        ResponseEntity.BodyBuilder response = noStore(e.status());
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        }
        return response.body(errorBody(e.error(), e.getMessage()));
    }

    static Map<String, Object> errorBody(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    private Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            throw RegistrationException.invalidMetadata("the request body must be a JSON object of client metadata");
        }
        if (body.length() > MAX_BODY) {
            throw RegistrationException.invalidMetadata("the request body is larger than " + MAX_BODY + " characters");
        }
        try {
            Object parsed = json.readValue(body, new TypeReference<Object>() {});
            if (parsed instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) parsed;
                return map;
            }
        } catch (Exception e) {
            // fall through: malformed JSON
        }
        throw RegistrationException.invalidMetadata("the request body is not a JSON object");
    }

    /** The token of an {@code Authorization: Bearer} header (RFC 6750 section 2.1), or null. */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static ResponseEntity.BodyBuilder noStore(HttpStatus status) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache");
    }
}
