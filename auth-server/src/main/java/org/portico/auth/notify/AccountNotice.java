package org.portico.auth.notify;

import java.time.Instant;
import java.util.Map;

/**
 * A security event the account holder must hear about (NIST SP 800-63B 6.1.2.3-style notices), published
 * as a Spring application event by whoever causes it and delivered to the contacts on the account by a
 * listener. Carries no secret: never a code, a password or a token.
 *
 * @param userId  the account ({@code users.id})
 * @param kind    what happened
 * @param at      when
 * @param details plain facts for the message, e.g. {@code app} = the app's name, {@code device} = a browser
 *                description; keys are named in {@link Kind}
 */
public record AccountNotice(String userId, Kind kind, Instant at, Map<String, String> details) {

    public AccountNotice {
        details = Map.copyOf(details);
    }

    public enum Kind {
        /** a sign-in from a browser this account had not used before ({@code device}) */
        NEW_DEVICE,
        PASSWORD_CHANGED,
        /** a passkey or authenticator app added or removed, recovery codes regenerated ({@code method}) */
        MFA_CHANGED,
        /** an app was given access ({@code app}) */
        APP_AUTHORIZED,
        ACCOUNT_LOCKED,
        /** the account may now act for someone ({@code person}: whose record) */
        PROXY_GRANTED,
        /** an age rule made part of a record the account acts for confidential ({@code person}) */
        PROXY_NARROWED,
        /** the account can no longer act for someone: revoked, suspended at 18 or expired ({@code person}) */
        PROXY_ENDED,
        /** part of the account holder's record is now kept from the person acting for them ({@code person}: the proxy) */
        PATIENT_PROXY_NARROWED,
        /** the account holder came of age: their guardian's access is suspended and they may grant it again ({@code person}) */
        PATIENT_TAKE_OVER,
        /** someone can no longer act for the account holder ({@code person}: the proxy) */
        PATIENT_PROXY_ENDED
    }
}
