package org.portico.auth.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table. */
@Repository
public class UserAccounts {

    private static final String COLUMNS = "id, username, password_hash, patient_id, display_name, roles, email, phone, language";

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

    /** The patient account linked to this Patient (registration links at most one). */
    public Optional<UserAccount> findByPatientId(String patientId) {
        return find("patient_id", patientId);
    }

    /** The account whose proven email this is (case-insensitive); empty when none or more than one. */
    public Optional<UserAccount> findByEmail(String email) {
        List<UserAccount> found = jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE LOWER(email) = ?")
                .param(email.trim().toLowerCase(java.util.Locale.ROOT))
                .query((rs, n) -> map(rs))
                .list();
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    private Optional<UserAccount> find(String column, String value) {
        List<UserAccount> found = jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE " + column + " = ?")
                .param(value)
                .query((rs, n) -> map(rs))
                .list();
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static UserAccount map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new UserAccount(
                rs.getString("id"),
                rs.getString("username"),
                rs.getString("password_hash"),
                rs.getString("patient_id"),
                rs.getString("display_name"),
                roles(rs.getString("roles")),
                rs.getString("email"),
                rs.getString("phone"),
                rs.getString("language"));
    }

    private static Set<String> roles(String column) {
        Set<String> roles = new TreeSet<>();
        Arrays.stream(column == null ? new String[0] : column.split(",")).map(String::trim).filter(r -> !r.isEmpty())
                .forEach(roles::add);
        return roles;
    }

    /** Creates a patient account (demo data) and returns it with its new stable id. */
    public UserAccount create(String username, String passwordHash, String patientId, String displayName) {
        UserAccount account = new UserAccount(UUID.randomUUID().toString(), username, passwordHash, patientId, displayName);
        insert(account, null);
        return account;
    }

    /** Creates a staff account: no patient, role {@link UserAccount#STAFF} only. */
    public UserAccount createStaff(String username, String passwordHash, String displayName) {
        UserAccount account = new UserAccount(UUID.randomUUID().toString(), username, passwordHash, null, displayName,
                Set.of(UserAccount.STAFF), null, null, "en");
        insert(account, null);
        return account;
    }

    /**
     * How an account's holder proved who they are (NIST SP 800-63A).
     *
     * @param method         {@code activation_code}, {@code demographic_match} or {@code invitation}
     * @param assuranceLevel e.g. {@code IAL1}
     * @param proofedAtMillis when
     */
    public record Proofing(String method, String assuranceLevel, long proofedAtMillis) {}

    /**
     * Creates a proofed patient account linked to its Patient; empty when the username is taken (the
     * unique constraint decides, so two concurrent registrations cannot both get it).
     */
    public Optional<UserAccount> createProofed(String username, String passwordHash, String patientId, String displayName,
            String email, String phone, String language, Proofing proofing) {
        UserAccount account = new UserAccount(UUID.randomUUID().toString(), username, passwordHash, patientId, displayName,
                Set.of(UserAccount.PATIENT), email, phone, language);
        try {
            insert(account, proofing);
            return Optional.of(account);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    private void insert(UserAccount account, Proofing proofing) {
        jdbc.sql("INSERT INTO users (id, username, password_hash, patient_id, display_name, roles, email, phone, language,"
                        + " proofing_method, assurance_level, proofed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(account.id(), account.username(), account.passwordHash(), account.patientId(), account.displayName(),
                        String.join(",", new TreeSet<>(account.roles())), account.email(), account.phone(), account.language(),
                        proofing == null ? null : proofing.method(), proofing == null ? null : proofing.assuranceLevel(),
                        proofing == null ? null : proofing.proofedAtMillis())
                .update();
    }

    /** Replaces the password hash (reset, change). */
    public void updatePassword(String userId, String passwordHash) {
        jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ?").params(passwordHash, userId).update();
    }

    /** The proofing recorded on the account, if any. */
    public Optional<Proofing> proofing(String userId) {
        return jdbc.sql("SELECT proofing_method, assurance_level, proofed_at FROM users WHERE id = ? AND proofing_method IS NOT NULL")
                .param(userId)
                .query((rs, n) -> new Proofing(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .optional();
    }
}
