package org.portico.smart.scope;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The SMART v2 permission letters, in the order the grammar requires them: {@code c r u d s}. */
public enum Interaction {
    CREATE('c'),
    READ('r'),
    UPDATE('u'),
    DELETE('d'),
    SEARCH('s');

    private final char letter;

    Interaction(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    public static Optional<Interaction> ofLetter(char letter) {
        for (Interaction i : values()) {
            if (i.letter == letter) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The v2 letters of a set, in canonical order, e.g. {@code "rs"}. */
    public static String letters(Set<Interaction> interactions) {
        StringBuilder sb = new StringBuilder();
        for (Interaction i : values()) {
            if (interactions.contains(i)) {
                sb.append(i.letter);
            }
        }
        return sb.toString();
    }

    public static Set<Interaction> all() {
        return EnumSet.allOf(Interaction.class);
    }
}
