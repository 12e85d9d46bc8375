package org.portico.fhir.matching;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Given names that name the same person ("William", "Bill"), from {@code matching/nicknames.txt}. */
public final class Nicknames {

    private final Map<String, Set<String>> groups;

    private Nicknames(Map<String, Set<String>> groups) {
        this.groups = groups;
    }

    public static Nicknames load() {
        Map<String, Set<String>> groups = new HashMap<>();
        try (InputStream in = Nicknames.class.getClassLoader().getResourceAsStream("matching/nicknames.txt")) {
            if (in == null) {
                throw new IllegalStateException("matching/nicknames.txt missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Set<String> group = new HashSet<>();
                for (String name : line.split(",")) {
                    group.addAll(PersonRecord.words(name));
                }
                for (String name : group) {
                    groups.computeIfAbsent(name, n -> new HashSet<>()).addAll(group);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Nicknames(groups);
    }

    /** Whether two normalised given names ({@link PersonRecord#words}) can be the same person's. */
    public boolean same(String a, String b) {
        return a.equals(b) || groups.getOrDefault(a, Set.of()).contains(b);
    }
}
