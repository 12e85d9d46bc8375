package org.portico.auth.identity;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table. */
@Repository
public class UserAccounts {

    private final JdbcClient jdbc;

    public UserAccounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> findByUsername(String username) {
        return jdbc.sql("SELECT id, username, password_hash, patient_id, display_name FROM users WHERE username = ?")
                .param(username)
                .query((rs, n) -> new UserAccount(
                        rs.getString("id"),
                        rs.getString("username"),
                        rs.getString("password_hash"),
                        rs.getString("patient_id"),
                        rs.getString("display_name")))
                .optional();
    }

    /** Creates the account and returns it with its new stable id. */
    public UserAccount create(String username, String passwordHash, String patientId, String displayName) {
        UserAccount account = new UserAccount(UUID.randomUUID().toString(), username, passwordHash, patientId, displayName);
        jdbc.sql("INSERT INTO users (id, username, password_hash, patient_id, display_name) VALUES (?, ?, ?, ?, ?)")
                .params(account.id(), account.username(), account.passwordHash(), account.patientId(), account.displayName())
                .update();
        return account;
    }
}
