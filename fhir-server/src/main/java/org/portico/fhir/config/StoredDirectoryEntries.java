package org.portico.fhir.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.portico.fhir.authz.DirectoryEntries;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link DirectoryEntries} from HAPI's reference index ({@code HFJ_RES_LINK}): the targets of the
 * given type of the links whose source is one of the Patients or a resource linking to one of them.
 * Portable SQL (PostgreSQL, H2).
 */
final class StoredDirectoryEntries implements DirectoryEntries {

    private static final String PATIENT = "Patient";
    private static final String PRACTITIONER = "Practitioner";
    private static final String PRACTITIONER_ROLE = "PractitionerRole";

    private final JdbcTemplate jdbc;

    StoredDirectoryEntries(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public Set<String> referencedBy(List<String> patientIds, String type) {
        if (patientIds.isEmpty()) {
            return Set.of();
        }
        String in = patientIds.stream().map(p -> "?").collect(Collectors.joining(","));
        // the Patients, and every resource that refers to one of them
        String sources = "SELECT p.RES_ID FROM HFJ_RESOURCE p WHERE p.RES_TYPE = ? AND p.FHIR_ID IN (" + in + ")"
                + " UNION SELECT l1.SRC_RESOURCE_ID FROM HFJ_RES_LINK l1 JOIN HFJ_RESOURCE p ON p.RES_ID = l1.TARGET_RESOURCE_ID"
                + " WHERE l1.TARGET_RESOURCE_TYPE = ? AND p.RES_TYPE = ? AND p.FHIR_ID IN (" + in + ")";
        String referenced = "SELECT l2.TARGET_RESOURCE_ID FROM HFJ_RES_LINK l2 WHERE l2.TARGET_RESOURCE_TYPE = ?"
                + " AND l2.SRC_RESOURCE_ID IN (" + sources + ")";
        Set<String> ids = new HashSet<>(ids(type, referenced, type, patientIds));
        if (PRACTITIONER_ROLE.equals(type)) {
            // the roles of the Practitioners the data refers to (US Core: PractitionerRole?practitioner=)
            String roles = "SELECT l3.SRC_RESOURCE_ID FROM HFJ_RES_LINK l3 WHERE l3.SOURCE_RESOURCE_TYPE = ?"
                    + " AND l3.TARGET_RESOURCE_TYPE = ? AND l3.TARGET_RESOURCE_ID IN (" + referenced + ")";
            List<Object> args = new ArrayList<>(List.of(PRACTITIONER_ROLE, PRACTITIONER_ROLE, PRACTITIONER));
            args.addAll(sourceArgs(PRACTITIONER, patientIds));
            ids.addAll(query("SELECT r.FHIR_ID FROM HFJ_RESOURCE r WHERE r.RES_TYPE = ? AND r.RES_DELETED_AT IS NULL"
                    + " AND r.RES_ID IN (" + roles + ")", args));
        }
        return ids;
    }

    private List<String> ids(String type, String referenced, String targetType, List<String> patientIds) {
        List<Object> args = new ArrayList<>(List.of(type));
        args.addAll(sourceArgs(targetType, patientIds));
        return query("SELECT r.FHIR_ID FROM HFJ_RESOURCE r WHERE r.RES_TYPE = ? AND r.RES_DELETED_AT IS NULL"
                + " AND r.RES_ID IN (" + referenced + ")", args);
    }

    /** The arguments of {@code referenced}: target type, then the sources' Patient ids twice. */
    private static List<Object> sourceArgs(String targetType, List<String> patientIds) {
        List<Object> args = new ArrayList<>();
        args.add(targetType);
        args.add(PATIENT);
        args.addAll(patientIds);
        args.add(PATIENT);
        args.add(PATIENT);
        args.addAll(patientIds);
        return args;
    }

    private List<String> query(String sql, List<Object> args) {
        return jdbc.queryForList(sql, String.class, args.toArray());
    }
}
