package org.portico.auth.tokens;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.smart.claims.SmartClaims;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * The portal's own access tokens (ADR 0008): the auth-server is the issuer, so its first-party pages
 * mint a token for the one FHIR call they make instead of running an authorization flow against
 * themselves. Two kinds exist, each with its scope fixed here and a lifetime of {@value #LIFETIME_SECONDS}
 * seconds: reading one patient's access log ({@value #AUDIT_READ_SCOPE}), for a patient the caller has
 * already checked the user may act for; and the enrolment desk's Patient lookups ({@value #PATIENT_LOOKUP_SCOPE},
 * client {@value #ENROLMENT_CLIENT_ID}, a backend-services token with no user) for identity proofing and
 * staff searches. Same keys, {@code iss} and {@code aud} as every other token, so the fhir-server verifies
 * (and audits) it like any.
 */
@Component
public final class PortalTokens {

    /** The {@code client_id} of the portal's tokens; the access log shows it as "You (Portico portal)". */
    public static final String CLIENT_ID = "portico-portal";
    public static final String AUDIT_READ_SCOPE = "patient/AuditEvent.rs";
    /** The {@code client_id} (and {@code sub}) of the enrolment desk's Patient lookups. */
    public static final String ENROLMENT_CLIENT_ID = "portico-enrolment";
    public static final String PATIENT_LOOKUP_SCOPE = "system/Patient.rs";
    /** The {@code client_id} (and {@code sub}) of the proxy-relationship mirror (ADR 0019). */
    public static final String PROXY_RECORDS_CLIENT_ID = "portico-proxies";
    public static final String PROXY_RECORDS_SCOPE = "system/RelatedPerson.cu system/Consent.cu";
    static final long LIFETIME_SECONDS = 60;
    public static final Duration LIFETIME = Duration.ofSeconds(LIFETIME_SECONDS);

    private final JwtEncoder encoder;
    private final String issuer;
    private final String fhirBase;
    private final Clock clock;

    @Autowired
    public PortalTokens(JWKSource<SecurityContext> keys, AuthProperties properties) {
        this(keys, properties.issuer().toString(), properties.fhirBase(), Clock.systemUTC());
    }

    public PortalTokens(JWKSource<SecurityContext> keys, String issuer, String fhirBase, Clock clock) {
        this.encoder = new NimbusJwtEncoder(Objects.requireNonNull(keys, "keys"));
        this.issuer = withoutTrailingSlash(issuer);
        this.fhirBase = withoutTrailingSlash(fhirBase);
        this.clock = clock;
    }

    /**
     * A token that lets the portal read {@code patient}'s AuditEvents on behalf of {@code user}.
     * The caller must have checked, server-side, that the user may act for that patient.
     */
    public String auditLogReader(UserAccount user, ActingFor patient, java.util.Set<String> labels) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(labels, "labels");
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .subject(user.id())
                .audience(List.of(fhirBase))
                .issuedAt(now)
                .expiresAt(now.plus(LIFETIME))
                .id(UUID.randomUUID().toString())
                .claim(SmartClaims.CLIENT_ID, CLIENT_ID)
                .claim(SmartClaims.SCOPE, AUDIT_READ_SCOPE)
                .claim(SmartClaims.PATIENT, patient.patientId())
                .claim(SmartClaims.FHIR_USER, fhirBase + "/Patient/" + user.patientId())
                // a grant of its own that nothing else shares, so no revocation of an app's grant touches it
                .claim(SmartClaims.GRANT_ID, GrantIds.newId())
                // what the reader may see of the record: the fhir-server shows no event of a caller who saw more
                .claim(SmartClaims.SENSITIVE, labels.stream().sorted().toList())
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    /**
     * A backend-services token that lets the auth-server read and search Patient resources and nothing
     * else: no {@code patient} and no {@code fhirUser} claim, so the fhir-server binds its {@code system/}
     * scope server-wide. Used only server-side to match a registration against the records and to find
     * the contacts on a record; never sent to a browser.
     */
    public String patientLookup() {
        return backend(ENROLMENT_CLIENT_ID, PATIENT_LOOKUP_SCOPE);
    }

    /**
     * A backend-services token that lets the auth-server write the RelatedPerson and Consent that mirror
     * a proxy relationship into the patient's record (ADR 0019), and nothing else. Server-side only.
     */
    public String proxyRecords() {
        return backend(PROXY_RECORDS_CLIENT_ID, PROXY_RECORDS_SCOPE);
    }

    private String backend(String clientId, String scope) {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .subject(clientId)
                .audience(List.of(fhirBase))
                .issuedAt(now)
                .expiresAt(now.plus(LIFETIME))
                .id(UUID.randomUUID().toString())
                .claim(SmartClaims.CLIENT_ID, clientId)
                .claim(SmartClaims.SCOPE, scope)
                .claim(SmartClaims.GRANT_ID, GrantIds.newId())
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
