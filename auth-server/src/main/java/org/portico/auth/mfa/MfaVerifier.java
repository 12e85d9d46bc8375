package org.portico.auth.mfa;

import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;
import org.portico.auth.login.LoginThrottle;
import org.portico.auth.notify.AccountNotice;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Checks the code typed on the second-step page: a TOTP code (each counts once) or an unused recovery
 * code. Wrong codes count as failed sign-ins of the account in the {@link LoginThrottle}, so guessing
 * six digits meets the same backoff as guessing passwords.
 */
@Component
public class MfaVerifier {

    public enum Result { ACCEPTED, WRONG, LOCKED }

    private final SecondFactors factors;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public MfaVerifier(SecondFactors factors, LoginThrottle throttle, ApplicationEventPublisher events, Clock clock) {
        this.factors = factors;
        this.throttle = throttle;
        this.events = events;
        this.clock = clock;
    }

    public Result verify(String userId, String typed) {
        LoginThrottle.Subject account = LoginThrottle.Subject.account(userId);
        if (throttle.isLocked(account)) {
            return Result.LOCKED;
        }
        String code = typed == null ? "" : typed.replaceAll("\\s", "");
        if (acceptsTotp(userId, code) || factors.useRecoveryCode(userId, code)) {
            throttle.reset(account);
            return Result.ACCEPTED;
        }
        if (throttle.recordFailure(account)) {
            events.publishEvent(new AccountNotice(userId, AccountNotice.Kind.ACCOUNT_LOCKED, clock.instant(), Map.of()));
        }
        return throttle.isLocked(account) ? Result.LOCKED : Result.WRONG;
    }

    private boolean acceptsTotp(String userId, String code) {
        return factors.totpSecret(userId)
                .map(secret -> {
                    OptionalLong step = Totp.matchingStep(secret, code, clock.instant());
                    return step.isPresent() && factors.useTotpStep(userId, step.getAsLong());
                })
                .orElse(false);
    }
}
