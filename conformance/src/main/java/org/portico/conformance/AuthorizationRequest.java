package org.portico.conformance;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A SMART authorization request sent by GET (SMART App Launch 2.x §2.0.5, as Inferno sends it). A null
 * parameter is left out of the URL, so tests can build deliberately broken requests with the
 * {@code with...} methods.
 */
public record AuthorizationRequest(
        URI authorizationEndpoint,
        String responseType,
        String clientId,
        String redirectUri,
        String scope,
        String state,
        String aud,
        String codeChallenge,
        String codeChallengeMethod) {

    /** A well-formed standalone-launch request with a fresh state and the given PKCE pair. */
    public static AuthorizationRequest standalone(
            URI authorizationEndpoint, String clientId, String redirectUri, String scope, URI fhirBase, Pkce pkce) {
        return new AuthorizationRequest(authorizationEndpoint, "code", clientId, redirectUri, scope,
                UUID.randomUUID().toString(), fhirBase.toString(), pkce.challenge(), Pkce.METHOD);
    }

    public URI toUri() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", responseType);
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", state);
        params.put("aud", aud);
        params.put("code_challenge", codeChallenge);
        params.put("code_challenge_method", codeChallengeMethod);
        String query = params.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> HttpSession.encode(e.getKey()) + "=" + HttpSession.encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String base = authorizationEndpoint.toString();
        // keep parameters already present in a registered authorization_endpoint
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    public AuthorizationRequest withClientId(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, value, redirectUri, scope, state, aud,
                codeChallenge, codeChallengeMethod);
    }

    public AuthorizationRequest withRedirectUri(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, value, scope, state, aud,
                codeChallenge, codeChallengeMethod);
    }

    public AuthorizationRequest withScope(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, value, state, aud,
                codeChallenge, codeChallengeMethod);
    }

    public AuthorizationRequest withAud(String value) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, scope, state, value,
                codeChallenge, codeChallengeMethod);
    }

    /** Replaces both PKCE parameters; nulls leave them out. */
    public AuthorizationRequest withCodeChallenge(String challenge, String method) {
        return new AuthorizationRequest(authorizationEndpoint, responseType, clientId, redirectUri, scope, state, aud,
                challenge, method);
    }
}
