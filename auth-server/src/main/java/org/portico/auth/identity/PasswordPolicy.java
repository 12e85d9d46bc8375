package org.portico.auth.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What a new password must satisfy (NIST SP 800-63B rev 4, 3.1.1.2): length over composition rules, no
 * composition rules at all, and not a password attackers try first: not one of the common passwords
 * shipped in {@code passwords/common-passwords.txt} (from the zxcvbn frequency list, MIT licence beside
 * it), compared without regard to case, and not the username. Every place that sets a password
 * (registration, reset, change) asks this one bean.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    static final String COMMON_PASSWORDS = "/passwords/common-passwords.txt";

    private final Set<String> common;

    public PasswordPolicy() {
        this.common = load(COMMON_PASSWORDS);
    }

    /**
     * The problems with {@code password} as message keys (empty when it is acceptable), e.g.
     * {@code password.tooShort}. Never echoes the password.
     */
    public List<String> problems(String password, String username) {
        List<String> problems = new ArrayList<>();
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            problems.add("password.tooShort");
            return problems;
        } else if (length > MAX_LENGTH) {
            problems.add("password.tooLong");
            return problems;
        }
        String folded = password.toLowerCase(Locale.ROOT);
        if (username != null && !username.isBlank() && folded.equals(username.strip().toLowerCase(Locale.ROOT))) {
            problems.add("password.sameAsUsername");
        } else if (common.contains(folded)) {
            problems.add("password.common");
        }
        return problems;
    }

    private static Set<String> load(String resource) {
        Set<String> passwords = new HashSet<>(16_384);
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    passwords.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(passwords);
    }
}
