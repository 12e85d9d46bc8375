package org.portico.auth.smart;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.launch.LaunchContexts;
import org.portico.auth.launch.LaunchContexts.GrantContext;
import org.portico.smart.claims.SmartClaims;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The claims of docs/wire-contract.md. Access token: {@code aud} = FHIR base URL, {@code scope} as one
 * space-separated string, {@code client_id}, {@code sub} = the user's stable id, {@code patient} and
 * {@code fhirUser} (always the user's own record), and {@code patient} (the patient the grant is for:
 * picked, launched with, or the user's own) and {@code encounter} from the grant's launch context. ID token: {@code aud} stays the client id (OIDC), {@code sub} the same stable id,
 * {@code fhirUser} when the {@code fhirUser} scope was granted.
 */
public final class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final UserAccounts users;
    private final LaunchContexts contexts;
    private final String fhirBase;

    public SmartTokenCustomizer(UserAccounts users, LaunchContexts contexts, String fhirBase) {
        this.users = users;
        this.contexts = contexts;
        this.fhirBase = fhirBase;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        LaunchContext launch = new LaunchContext(context.getAuthorizedScopes());
        // a client acting for itself has no user, even if a username happens to equal its client id
        Optional<UserAccount> user = context.getPrincipal() == null
                        || context.getPrincipal() instanceof OAuth2ClientAuthenticationToken
                ? Optional.empty()
                : users.findByUsername(context.getPrincipal().getName());
        // the patient picked or launched with, stored when the patient approved (see ConsentGrantProvider)
        Optional<GrantContext> grant = user.isEmpty() || context.getAuthorization() == null
                ? Optional.empty()
                : contexts.find(context.getAuthorization().getId());

        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getClaims().claims(claims -> {
                // an ArrayList: the claims are stored with the authorization, and SAS's JSON allowlist
                // does not accept the JDK's immutable lists when reading them back
                claims.put(SmartClaims.AUDIENCE, new ArrayList<>(List.of(fhirBase)));
                claims.put(SmartClaims.SCOPE, String.join(" ", context.getAuthorizedScopes()));
                claims.put(SmartClaims.CLIENT_ID, context.getRegisteredClient().getClientId());
            });
            user.ifPresent(u -> context.getClaims().claims(claims -> {
                claims.put(SmartClaims.SUBJECT, u.id());
                claims.put(SmartClaims.FHIR_USER, fhirUser(u));
                String patient = grant.map(GrantContext::patientId).orElse(u.patientId());
                boolean ehrLaunch = grant.map(GrantContext::ehrLaunch).orElse(false);
                if (patient != null && (launch.hasPatient() || ehrLaunch)) {
                    claims.put(SmartClaims.PATIENT, patient);
                }
                grant.map(GrantContext::encounterId).ifPresent(encounter -> claims.put(SmartClaims.ENCOUNTER, encounter));
            }));
        } else if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            user.ifPresent(u -> context.getClaims().claims(claims -> {
                claims.put(SmartClaims.SUBJECT, u.id());
                if (launch.fhirUser()) {
                    claims.put(SmartClaims.FHIR_USER, fhirUser(u));
                }
            }));
        }
    }

    private String fhirUser(UserAccount user) {
        return fhirBase + "/Patient/" + user.patientId();
    }
}
