package org.portico.smart.claims;

/**
 * Names of the claims and token-response parameters that the auth-server issues and the
 * fhir-server reads. Nothing else in Portico spells these as literals.
 */
public final class SmartClaims {

    // JWT registered claims (RFC 7519)
    public static final String ISSUER = "iss";
    public static final String SUBJECT = "sub";
    public static final String AUDIENCE = "aud";
    public static final String EXPIRES_AT = "exp";
    public static final String ISSUED_AT = "iat";
    public static final String JWT_ID = "jti";

    // OAuth 2.0 (RFC 6749, RFC 8693 section 4.2 for the JWT claim)
    public static final String SCOPE = "scope";
    public static final String CLIENT_ID = "client_id";

    // SMART App Launch launch context (token response, and carried in Portico access tokens)
    public static final String PATIENT = "patient";
    public static final String ENCOUNTER = "encounter";
    public static final String FHIR_CONTEXT = "fhirContext";
    public static final String NEED_PATIENT_BANNER = "need_patient_banner";
    public static final String SMART_STYLE_URL = "smart_style_url";
    public static final String INTENT = "intent";
    public static final String TENANT = "tenant";

    // SMART identity (id_token and access token)
    public static final String FHIR_USER = "fhirUser";

    // Portico-specific
    /**
     * The id of the authorization grant (one patient's consent to one app) that an access token
     * came from; the same for every access token minted from that grant, refreshes included. The
     * auth-server's revocation feed lists revoked grant ids, and the fhir-server rejects tokens
     * that carry one. An opaque random value, never a database key or anything about the patient.
     */
    public static final String GRANT_ID = "portico_grant";

    /**
     * The sensitive-data labels the bearer may see, each {@code system|code} of a {@code meta.security}
     * coding (e.g. {@code http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY}). Absent or empty: none,
     * so a patient-bound or {@code user/} token never sees a resource carrying a sensitive label unless
     * the grant lists it (ADR 0019). {@code system/} tokens are not filtered.
     */
    public static final String SENSITIVE = "portico_sensitive";

    /**
     * The patient ids (no type prefix) a {@code user/} token's user may act for at issue time: their own
     * and the people they are a proxy for (ADR 0019). {@code user/} scopes bind to these; absent, to the
     * Patient named by {@code fhirUser} only.
     */
    public static final String PATIENTS = "portico_patients";

    private SmartClaims() {}
}
