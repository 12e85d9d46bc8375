package org.portico.auth.identity;

/**
 * Spring application events between the account features that must not depend on each other's code
 * (registration and recovery on one side, login protection and MFA on the other).
 */
public final class AccountEvents {

    private AccountEvents() {}

    /** Staff unlocked an account: the login throttle forgets its failures and lockout. */
    public record UnlockRequested(String userId, String staffUserId) {}

    /**
     * The account holder proved their identity again (the same proofing as registration) to reset their
     * second factors: every TOTP secret, passkey, recovery code and remembered device goes.
     */
    public record MfaResetProofed(String userId, String proofingMethod) {}
}
