package org.portico.auth.identity;

import java.util.ArrayList;
import java.util.List;
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
        return find("username", username);
    }

    /** The account whose stable id ({@code sub} of its tokens) this is. */
    public Optional<UserAccount> findById(String id) {
        return find("id", id);
    }

    private Optional<UserAccount> find(String column, String value) {
        return jdbc.sql("SELECT id, username, password_hash, patient_id, display_name FROM users WHERE " + column + " = ?")
                .param(value)
                .query((rs, n) -> new UserAccount(
                        rs.getString("id"),
                        rs.getString("username"),
                        rs.getString("password_hash"),
                        rs.getString("patient_id"),
                        rs.getString("display_name")))
                .optional();
    }

    /**
     * The patients the user may act for: their own first, then the others in the order they were
     * added. A simple list until the proxy model exists.
     */
    public List<ActingFor> actingFor(UserAccount user) {
        List<ActingFor> result = new ArrayList<>();
        result.add(new ActingFor(user.patientId(), user.displayName(), true));
        result.addAll(jdbc.sql("SELECT patient_id, display_name FROM user_patients WHERE user_id = ? ORDER BY sort_order, patient_id")
                .param(user.id())
                .query((rs, n) -> new ActingFor(rs.getString("patient_id"), rs.getString("display_name"), false))
                .list());
        return result;
    }

    /** The patient of that id if the user may act for it. */
    public Optional<ActingFor> actingFor(UserAccount user, String patientId) {
        return actingFor(user).stream().filter(p -> p.patientId().equals(patientId)).findFirst();
    }

    /** Lets the user act for another patient (no-op if already allowed); returns whether it was added. */
    public boolean addActingFor(UserAccount user, String patientId, String displayName) {
        if (actingFor(user, patientId).isPresent()) {
            return false;
        }
        int last = jdbc.sql("SELECT COALESCE(MAX(sort_order), -1) FROM user_patients WHERE user_id = ?")
                .param(user.id()).query(Integer.class).single();
        jdbc.sql("INSERT INTO user_patients (user_id, patient_id, display_name, sort_order) VALUES (?, ?, ?, ?)")
                .params(user.id(), patientId, displayName, last + 1)
                .update();
        return true;
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
