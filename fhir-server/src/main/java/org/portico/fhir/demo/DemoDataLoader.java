package org.portico.fhir.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.portico.fhir.labels.SecurityLabeler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Loads the demo transaction bundles of a folder: each bundle's Patient is stored under its own id
 * (PUT), the rest as the bundle says; a bundle whose Patient already exists is skipped, so a second
 * start reuses the data. Each resource gets the security labels its codes call for ({@link SecurityLabeler}),
 * as at ingest. The bundles are not validated against US Core. Then the Group
 * {@value #GROUP_ID} lists the patients of every demo folder (the cohort of a Bulk Data Group export, ADR 0013),
 * and with several folders a Group per folder its own ({@link #folderGroupId}); each is rewritten only when
 * its members differ.
 */
@Component
public class DemoDataLoader {

    /** The Group of every demo patient. */
    public static final String GROUP_ID = "portico-demo-patients";
    private static final String URN_UUID = "urn:uuid:";
    private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);

    private final FhirContext fhirContext;
    private final DaoRegistry daoRegistry;
    private final SecurityLabeler labeler;

    public DemoDataLoader(FhirContext fhirContext, DaoRegistry daoRegistry, SecurityLabeler labeler) {
        this.fhirContext = fhirContext;
        this.daoRegistry = daoRegistry;
        this.labeler = labeler;
    }

    /** Loads every {@code *.json} bundle of the folder, in name order. */
    public void load(Path dir) {
        load(List.of(dir));
    }

    /**
     * Loads the folders in order; the demo Group lists the patients of all of them and, when there are
     * several folders, a Group per folder ({@link #folderGroupId}) lists the patients of that folder.
     */
    public void load(List<Path> dirs) {
        List<String> patients = new ArrayList<>();
        for (Path dir : dirs) {
            List<String> own = loadFolder(dir);
            if (dirs.size() > 1 && !own.isEmpty()) {
                groupOf(folderGroupId(dir), "Portico demo patients of " + dir.getFileName(), own);
            }
            patients.addAll(own);
        }
        if (!patients.isEmpty()) {
            groupOf(GROUP_ID, "Portico demo patients", patients);
        }
    }

    /**
     * The id of the Group of one demo folder's patients: {@value #GROUP_ID} with the folder's name, e.g.
     * {@code portico-demo-patients-us-core} (the US Core reference patients, the (g)(10) Bulk Data cohort).
     */
    public static String folderGroupId(Path dir) {
        String name = dir.toAbsolutePath().normalize().getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9.-]", "-");
        String id = GROUP_ID + "-" + name;
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    private List<String> loadFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("portico.fhir.demo-dir is not a folder: " + dir.toAbsolutePath());
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir.toAbsolutePath(), e);
        }
        List<String> patients = new ArrayList<>();
        for (Path file : files) {
            patients.add(loadBundle(file));
        }
        return patients;
    }

    private void groupOf(String groupId, String name, List<String> patients) {
        IFhirResourceDao<Group> dao = daoRegistry.getResourceDao(Group.class);
        try {
            Group existing = dao.read(new IdType("Group", groupId), new SystemRequestDetails());
            List<String> members = existing.getMember().stream().map(m -> m.getEntity().getReferenceElement().getIdPart()).toList();
            if (members.equals(patients)) {
                return;
            }
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            // created below
        }
        Group group = new Group();
        group.setId(new IdType("Group", groupId));
        group.setActive(true);
        group.setType(Group.GroupType.PERSON);
        group.setActual(true);
        group.setName(name);
        group.setQuantity(patients.size());
        patients.forEach(id -> group.addMember().setEntity(new Reference("Patient/" + id)));
        dao.update(group, new SystemRequestDetails());
        log.info("demo Group/{} lists {} patients", groupId, patients.size());
    }

    /** Loads the bundle unless its Patient exists; returns the Patient's id either way. */
    private String loadBundle(Path file) {
        Bundle bundle;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            bundle = fhirContext.newJsonParser().parseResource(Bundle.class, reader);
        } catch (IOException | DataFormatException e) {
            throw new IllegalStateException("cannot read demo bundle " + file.getFileName() + ": " + e.getMessage(), e);
        }
        Bundle.BundleEntryComponent patientEntry = bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("demo bundle without a Patient: " + file.getFileName()));
        String patientId = patientId(patientEntry);
        if (patientId == null || patientId.isBlank()) {
            throw new IllegalStateException("demo bundle Patient has no id: " + file.getFileName());
        }
        if (patientExists(patientId)) {
            log.info("demo bundle {}: Patient/{} exists, skipped", file.getFileName(), patientId);
            return patientId;
        }
        patientEntry.getResource().setId(new IdType("Patient", patientId));
        // the same security labels ingest gives (ADR 0021)
        int labelled = 0;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() != null && !labeler.label(entry.getResource()).isEmpty()) {
                labelled++;
            }
        }
        patientEntry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + patientId);
        @SuppressWarnings("unchecked")
        IFhirSystemDao<Bundle, ?> systemDao = (IFhirSystemDao<Bundle, ?>) daoRegistry.getSystemDao();
        long start = System.nanoTime();
        systemDao.transaction(new SystemRequestDetails(), bundle);
        log.info("demo bundle {}: Patient/{} loaded with {} resources ({} security-labelled) in {} ms", file.getFileName(), patientId,
                bundle.getEntry().size(), labelled, (System.nanoTime() - start) / 1_000_000);
        return patientId;
    }

    /** The Patient's own id; the parser reports a {@code urn:uuid:} fullUrl as the id, so that is unwrapped. */
    private static String patientId(Bundle.BundleEntryComponent entry) {
        String id = entry.getResource().getIdElement().getIdPart();
        if (id != null && id.startsWith(URN_UUID)) {
            id = id.substring(URN_UUID.length());
        }
        return id;
    }

    private boolean patientExists(String id) {
        IFhirResourceDao<Patient> dao = daoRegistry.getResourceDao(Patient.class);
        try {
            dao.read(new IdType("Patient", id), new SystemRequestDetails());
            return true;
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return false;
        }
    }
}
