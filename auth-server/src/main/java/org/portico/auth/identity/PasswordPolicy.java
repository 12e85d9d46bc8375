package org.portico.auth.identity;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What a new password must satisfy (NIST SP 800-63B: length over composition rules). Every place that
 * sets a password (registration, reset, change) asks this one bean.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    /**
     * The problems with {@code password} as message keys (empty when it is acceptable), e.g.
     * {@code password.tooShort}. Never echoes the password.
     */
    public List<String> problems(String password, String username) {
        List<String> problems = new ArrayList<>();
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            problems.add("password.tooShort");
        } else if (length > MAX_LENGTH) {
            problems.add("password.tooLong");
        }
        return problems;
    }
}
