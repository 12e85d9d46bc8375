package org.portico.auth.login;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.login.LoginThrottle.Subject;
import org.portico.auth.mfa.Factors;
import org.portico.auth.notify.AccountNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The password check of the login form behind the {@link LoginThrottle}. A locked account or address is
 * refused before any hashing (so a flood costs little) with the very exception a wrong password gets, so
 * the page says the same thing for an unknown user, a wrong password and a locked account. Unknown
 * usernames are hashed against a dummy hash by Spring's provider and locked like accounts, so neither the
 * answer nor its timing tells which usernames exist.
 */
public final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(ThrottledAuthenticationProvider.class);

    private final AuthenticationProvider passwords;
    private final LoginThrottle throttle;
    private final UserAccounts accounts;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle, UserAccounts accounts,
            ApplicationEventPublisher events, Clock clock) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.accounts = accounts;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        Optional<UserAccount> account = accounts.findByUsername(authentication.getName());
        Subject who = account.map(a -> Subject.account(a.id())).orElseGet(() -> Subject.unknownName(authentication.getName()));
        Subject from = Subject.address(remoteAddress(authentication));
        if (throttle.isLocked(who) || throttle.isLocked(from)) {
            log.debug("sign-in refused: {} locked out", throttle.isLocked(from) ? "address" : "account");
            throw new BadCredentialsException("Bad credentials");
        }
        try {
            Authentication result = passwords.authenticate(authentication);
            throttle.reset(who);
            // the first factor only: SecondFactorGate asks for the second where the account has one (ADR 0018)
            return Factors.with(result, Factors.PASSWORD);
        } catch (BadCredentialsException e) {
            if (throttle.recordFailure(who) && account.isPresent()) {
                log.info("account {} locked out after repeated failed sign-ins", account.get().id());
                events.publishEvent(new AccountNotice(account.get().id(), AccountNotice.Kind.ACCOUNT_LOCKED, clock.instant(), Map.of()));
            }
            if (throttle.recordFailure(from)) {
                log.info("client address locked out after repeated failed sign-ins");
            }
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static String remoteAddress(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }
}
