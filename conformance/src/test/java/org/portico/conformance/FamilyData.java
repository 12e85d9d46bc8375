package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Issue 9's family for {@link FamilyIT}, written for the day the test runs: the bundles of
 * {@code fhir-server/src/test/resources/family} (see its NOTICE.md) copied into a demo folder with the
 * children's birth dates moved to 8 and 15 years and 3 months before today, every home in Texas
 * ({@code address.state} TX), and a few resources with sensitive codes added to the 8-year-old and the
 * adult (the 15-year-old's come with the data set); none is sent with a label: the fhir-server's demo
 * loader labels them from their codes (ADR 0021). And the auth-server's users file: a parent acting for
 * both children, a caregiver acting for the adult, own logins for the teen and the adult, a staff account
 * and a public app. Passwords are made for the run.
 */
final class FamilyData {

    static final String TEXAS = "TX";
    static final String ICD10 = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String LOINC = "http://loinc.org";

    /** One person of the family. */
    record Person(String key, String patientId, String name, Set<String> types) {}

    final Path demoDir;
    final Path usersFile;
    final Map<String, Person> people = new LinkedHashMap<>();
    final Credentials parent;
    final Credentials caregiver;
    final Credentials teenLogin;
    final Credentials adultLogin;
    final Credentials staff;
    final ClientRegistration app;

    private FamilyData(Path demoDir, Path usersFile, Credentials parent, Credentials caregiver, Credentials teenLogin,
            Credentials adultLogin, Credentials staff, ClientRegistration app) {
        this.demoDir = demoDir;
        this.usersFile = usersFile;
        this.parent = parent;
        this.caregiver = caregiver;
        this.teenLogin = teenLogin;
        this.adultLogin = adultLogin;
        this.staff = staff;
        this.app = app;
    }

    Person person(String key) {
        return people.get(key);
    }

    /** Writes the demo folder and the users file under {@code work}. */
    static FamilyData write(Path root, Path work) {
        try {
            Path source = root.resolve("fhir-server/src/test/resources/family");
            Path demo = work.resolve("demo");
            Files.createDirectories(demo);
            try (var old = Files.list(demo)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            JsonNode family = Response.JSON.readTree(source.resolve("family.json").toFile());
            ClientRegistration app = new ClientRegistration("family-app", null, List.of("http://127.0.0.1/family/callback"));
            String run = UUID.randomUUID().toString();
            FamilyData data = new FamilyData(demo, work.resolve("users.json"),
                    login("family-parent", run), login("family-caregiver", run), login("family-teen", run),
                    login("family-adult", run), login("family-staff", run), app);
            var fields = family.path("people").fields();
            while (fields.hasNext()) {
                var entry = fields.next();
                String key = entry.getKey();
                JsonNode description = entry.getValue();
                ObjectNode bundle = (ObjectNode) Response.JSON.readTree(source.resolve(description.path("bundle").asText()).toFile());
                ObjectNode patientEntry = patientEntry(bundle);
                ObjectNode patient = (ObjectNode) patientEntry.path("resource");
                if (description.has("age")) {
                    // 3 months past the birthday: the age holds for the whole run, whatever the day
                    patient.put("birthDate", today.minusYears(description.path("age").asInt()).minusMonths(3).toString());
                }
                for (JsonNode address : patient.path("address")) {
                    ((ObjectNode) address).put("use", "home").put("city", "Austin").put("state", TEXAS).put("postalCode", "78701");
                }
                String subject = patientEntry.path("fullUrl").asText();
                if (key.equals("child-8")) {
                    // a guardian sees these below the narrowing age: mental health (ADHD, F90.0) and an HIV test
                    add(bundle, condition(subject, "F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive type"));
                    add(bundle, hivTest(subject));
                } else if (key.equals("adult-cared-for")) {
                    // an adult's caregiver sees none of these; the adult's own apps only when the adult ticks them
                    add(bundle, condition(subject, "F10.20", "Alcohol dependence, uncomplicated"));
                    add(bundle, condition(subject, "F32.9", "Major depressive disorder, single episode, unspecified"));
                }
                Set<String> types = new LinkedHashSet<>();
                for (JsonNode e : bundle.path("entry")) {
                    types.add(e.path("resource").path("resourceType").asText());
                }
                JsonNode name = patient.path("name").path(0);
                String display = name.path("given").path(0).asText() + " " + name.path("family").asText();
                data.people.put(key, new Person(key, patient.path("id").asText(), display, types));
                Response.JSON.writerWithDefaultPrettyPrinter().writeValue(demo.resolve(key + ".json").toFile(), bundle);
            }
            data.writeUsers();
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the family data", e);
        }
    }

    private static Credentials login(String username, String run) {
        return new Credentials(username, username + "-" + run);
    }

    private void writeUsers() throws IOException {
        ObjectNode root = Response.JSON.createObjectNode();
        root.put("_comment", "Written by FamilyIT for one run (issue 9's family); passwords are made for the run.");
        ArrayNode users = root.putArray("users");
        user(users, parent, "parent").set("acts_for", actsFor("child-8", "teen-15"));
        user(users, caregiver, "caregiver").set("acts_for", actsFor("adult-cared-for"));
        user(users, teenLogin, "teen-15");
        user(users, adultLogin, "adult-cared-for");
        root.putArray("staff").addObject().put("username", staff.username()).put("password", staff.password())
                .put("name", "Family clinic front desk");
        ObjectNode client = root.putArray("clients").addObject();
        client.put("client_id", app.clientId()).put("client_name", "Family test app (public, PKCE)").put("type", "public");
        client.putArray("redirect_uris").add(app.redirectUri());
        client.put("scope", "openid fhirUser launch launch/patient offline_access online_access patient/*.rs user/*.rs");
        Response.JSON.writerWithDefaultPrettyPrinter().writeValue(usersFile.toFile(), root);
    }

    private ObjectNode user(ArrayNode users, Credentials login, String person) {
        return users.addObject().put("username", login.username()).put("password", login.password())
                .put("patient", person(person).patientId()).put("name", person(person).name());
    }

    private ArrayNode actsFor(String... keys) {
        ArrayNode list = Response.JSON.createArrayNode();
        for (String key : keys) {
            list.addObject().put("patient", person(key).patientId()).put("name", person(key).name());
        }
        return list;
    }

    private static ObjectNode patientEntry(ObjectNode bundle) {
        for (JsonNode e : bundle.path("entry")) {
            if (e.path("resource").path("resourceType").asText().equals("Patient")) {
                return (ObjectNode) e;
            }
        }
        throw new IllegalStateException("a family bundle without a Patient");
    }

    private static void add(ObjectNode bundle, ObjectNode resource) {
        ObjectNode entry = ((ArrayNode) bundle.path("entry")).addObject();
        entry.put("fullUrl", "urn:uuid:" + UUID.randomUUID());
        entry.set("resource", resource);
        entry.putObject("request").put("method", "POST").put("url", resource.path("resourceType").asText());
    }

    private static ObjectNode condition(String subject, String code, String display) {
        ObjectNode c = Response.JSON.createObjectNode().put("resourceType", "Condition");
        c.putObject("clinicalStatus").putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-clinical").put("code", "active");
        c.putObject("verificationStatus").putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-ver-status").put("code", "confirmed");
        c.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-category").put("code", "encounter-diagnosis");
        c.putObject("code").putArray("coding").addObject().put("system", ICD10).put("code", code).put("display", display);
        c.putObject("subject").put("reference", subject);
        c.put("onsetDateTime", "2025-03-10T10:00:00-06:00").put("recordedDate", "2025-03-10T10:00:00-06:00");
        return c;
    }

    private static ObjectNode hivTest(String subject) {
        ObjectNode o = Response.JSON.createObjectNode().put("resourceType", "Observation").put("status", "final");
        o.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", "laboratory");
        o.putObject("code").putArray("coding").addObject().put("system", LOINC).put("code", "7917-8")
                .put("display", "HIV 1 Ab [Presence] in Serum");
        o.putObject("subject").put("reference", subject);
        o.put("effectiveDateTime", "2025-03-10T10:00:00-06:00");
        o.putObject("valueCodeableConcept").putArray("coding").addObject()
                .put("system", "http://snomed.info/sct").put("code", "260385009").put("display", "Negative");
        return o;
    }
}
