package org.portico.fhir.authz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The security labels ({@code system|code}) that some stored resource carries or once carried: HAPI
 * defines a label in {@code HFJ_TAG_DEF} (tag type {@code SECURITY_LABEL}) the first time a resource is
 * stored with it and never removes the definition, so a label that is not there is on no resource. A
 * small table, read on every call: no cache that another server node's writes could leave stale.
 */
public class SecurityLabelsInUse {

    /** {@code TagTypeEnum.SECURITY_LABEL}, stored by its ordinal. */
    private static final int SECURITY_LABEL = 2;

    private final DataSource dataSource;

    public SecurityLabelsInUse(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The labels defined now; when the database cannot say, every label (the caller then refuses). */
    public Set<String> labels() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT tag_system, tag_code FROM hfj_tag_def WHERE tag_type = ?")) {
            s.setInt(1, SECURITY_LABEL);
            Set<String> labels = new HashSet<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    labels.add(r.getString(1) + "|" + r.getString(2));
                }
            }
            return labels;
        } catch (SQLException e) {
            return SensitiveData.LABELS;
        }
    }
}
