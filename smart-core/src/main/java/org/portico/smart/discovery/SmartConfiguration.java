package org.portico.smart.discovery;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SMART App Launch 2.x discovery document served at
 * {@code {fhirBase}/.well-known/smart-configuration}. Optional endpoints are null when absent and
 * left out of {@link #toJson()}.
 */
public record SmartConfiguration(
        URI issuer,
        URI jwksUri,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        URI introspectionEndpoint,
        URI revocationEndpoint,
        URI managementEndpoint,
        URI registrationEndpoint,
        URI userinfoEndpoint,
        List<String> grantTypesSupported,
        List<String> tokenEndpointAuthMethodsSupported,
        List<String> tokenEndpointAuthSigningAlgValuesSupported,
        List<String> scopesSupported,
        List<String> responseTypesSupported,
        List<String> codeChallengeMethodsSupported,
        List<String> capabilities) {

    public SmartConfiguration {
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        grantTypesSupported = List.copyOf(grantTypesSupported);
        tokenEndpointAuthMethodsSupported = List.copyOf(tokenEndpointAuthMethodsSupported);
        tokenEndpointAuthSigningAlgValuesSupported = List.copyOf(tokenEndpointAuthSigningAlgValuesSupported);
        scopesSupported = List.copyOf(scopesSupported);
        responseTypesSupported = List.copyOf(responseTypesSupported);
        codeChallengeMethodsSupported = List.copyOf(codeChallengeMethodsSupported);
        capabilities = List.copyOf(capabilities);
    }

    /** The scopes Portico advertises in {@code scopes_supported}. */
    public static final List<String> PORTICO_SCOPES = List.of(
            "openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
            "patient/*.rs", "patient/*.read",
            "patient/Patient.rs", "patient/Observation.rs", "patient/Condition.rs",
            "patient/AllergyIntolerance.rs", "patient/MedicationRequest.rs", "patient/Immunization.rs",
            "patient/Procedure.rs", "patient/DiagnosticReport.rs", "patient/Encounter.rs",
            "user/*.rs", "user/*.read",
            "system/*.rs", "system/*.read");

    /** The capabilities Portico really implements; each is exercised by the conformance suite. */
    public static final List<String> PORTICO_CAPABILITIES = List.of(
            Capability.LAUNCH_STANDALONE,
            Capability.LAUNCH_EHR,
            Capability.AUTHORIZE_POST,
            Capability.CLIENT_PUBLIC,
            Capability.CLIENT_CONFIDENTIAL_SYMMETRIC,
            Capability.CLIENT_CONFIDENTIAL_ASYMMETRIC,
            Capability.SSO_OPENID_CONNECT,
            Capability.CONTEXT_BANNER,
            Capability.CONTEXT_STYLE,
            Capability.CONTEXT_EHR_PATIENT,
            Capability.CONTEXT_EHR_ENCOUNTER,
            Capability.CONTEXT_STANDALONE_PATIENT,
            Capability.PERMISSION_PATIENT,
            Capability.PERMISSION_USER,
            Capability.PERMISSION_V1,
            Capability.PERMISSION_V2,
            Capability.PERMISSION_OFFLINE,
            Capability.PERMISSION_ONLINE);

    /** Portico's discovery document for an auth-server at the given issuer. */
    public static SmartConfiguration portico(URI issuer) {
        AuthEndpoints endpoints = new AuthEndpoints(issuer);
        return new SmartConfiguration(
                endpoints.issuer(),
                endpoints.jwks(),
                endpoints.authorization(),
                endpoints.token(),
                endpoints.introspection(),
                endpoints.revocation(),
                endpoints.management(),
                endpoints.registration(),
                endpoints.userinfo(),
                List.of("authorization_code", "refresh_token", "client_credentials"),
                List.of("client_secret_basic", "private_key_jwt", "none"),
                List.of("RS384", "ES384"),
                PORTICO_SCOPES,
                List.of("code"),
                List.of("S256"),
                PORTICO_CAPABILITIES);
    }

    /** The document as an ordered map of JSON values (strings and lists of strings), for any JSON writer. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "issuer", issuer);
        put(json, "jwks_uri", jwksUri);
        put(json, "authorization_endpoint", authorizationEndpoint);
        put(json, "token_endpoint", tokenEndpoint);
        put(json, "introspection_endpoint", introspectionEndpoint);
        put(json, "revocation_endpoint", revocationEndpoint);
        put(json, "management_endpoint", managementEndpoint);
        put(json, "registration_endpoint", registrationEndpoint);
        put(json, "userinfo_endpoint", userinfoEndpoint);
        json.put("grant_types_supported", grantTypesSupported);
        json.put("token_endpoint_auth_methods_supported", tokenEndpointAuthMethodsSupported);
        if (!tokenEndpointAuthSigningAlgValuesSupported.isEmpty()) {
            json.put("token_endpoint_auth_signing_alg_values_supported", tokenEndpointAuthSigningAlgValuesSupported);
        }
        json.put("scopes_supported", scopesSupported);
        json.put("response_types_supported", responseTypesSupported);
        json.put("code_challenge_methods_supported", codeChallengeMethodsSupported);
        json.put("capabilities", capabilities);
        return json;
    }

    private static void put(Map<String, Object> json, String name, URI value) {
        if (value != null) {
            json.put(name, value.toString());
        }
    }
}
