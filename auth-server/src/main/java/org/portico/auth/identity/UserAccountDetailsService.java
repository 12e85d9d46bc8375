package org.portico.auth.identity;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/**
 * Form login against the {@code users} table. The principal is Spring's own {@link User}: the
 * authorization service stores the principal as JSON and only allows well-known types. Its roles are
 * the account's ({@code PATIENT}, {@code STAFF}): only a patient may authorize apps or see the account pages.
 */
@Service
public class UserAccountDetailsService implements UserDetailsService {

    private final UserAccounts accounts;

    public UserAccountDetailsService(UserAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return accounts.findByUsername(username)
                .map(a -> User.withUsername(a.username()).password(a.passwordHash()).roles(a.roles().toArray(String[]::new)).build())
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }
}
