package org.portico.auth.account;

import org.portico.auth.consent.ScopeDescriptions;

/**
 * One access-log entry in plain English, with the data words of the consent page
 * ({@link ScopeDescriptions#what(String)}): "Read your personal details", "Searched your lab results
 * and vital signs (12 found)", "Was refused access to your medications and prescriptions".
 */
public final class AccessDescriptions {

    private AccessDescriptions() {}

    /** What happened, as a sentence whose subject is the app (shown above it). */
    public static String describe(AccessEntry entry) {
        String what = entry.resourceType() == null ? "your record" : ScopeDescriptions.what(entry.resourceType());
        if (!entry.succeeded()) {
            int status = entry.httpStatus();
            if (status == 401 || status == 403 || (status == 0 && "4".equals(entry.outcome()))) {
                return "Was refused access to " + what;
            }
            if (status == 404 || status == 410) {
                return "Asked for " + what + ", but it was not found";
            }
            if ("8".equals(entry.outcome()) || status >= 500) {
                return "Tried to " + verb(entry.interaction()) + " " + what + ", but the server had a problem";
            }
            return "Tried to " + verb(entry.interaction()) + " " + what + ", but the request was not accepted";
        }
        String interaction = entry.interaction() == null ? "" : entry.interaction();
        return switch (interaction) {
            case "read", "vread" -> "Read " + what;
            case "search-type", "search-system", "search", "search-compartment" -> "Searched " + what + found(entry.resourceCount());
            case "history-instance", "history-type", "history-system" -> "Looked at the history of " + what;
            case "create" -> "Added to " + what;
            case "update", "patch" -> "Changed " + what;
            case "delete" -> "Deleted from " + what;
            case "operation" -> "Used " + what + found(entry.resourceCount());
            default -> "Used " + what;
        };
    }

    /** The outcome in one word: Allowed, Refused, Not found, Failed. */
    public static String outcome(AccessEntry entry) {
        if (entry.succeeded()) {
            return "Allowed";
        }
        int status = entry.httpStatus();
        if (status == 401 || status == 403 || (status == 0 && "4".equals(entry.outcome()))) {
            return "Refused";
        }
        if (status == 404 || status == 410) {
            return "Not found";
        }
        return "Failed";
    }

    private static String verb(String interaction) {
        if (interaction == null) {
            return "use";
        }
        return switch (interaction) {
            case "read", "vread" -> "read";
            case "search-type", "search-system", "search", "search-compartment" -> "search";
            case "history-instance", "history-type", "history-system" -> "look at the history of";
            case "create" -> "add to";
            case "update", "patch" -> "change";
            case "delete" -> "delete from";
            default -> "use";
        };
    }

    private static String found(int count) {
        return switch (count) {
            case 0 -> " (nothing found)";
            case 1 -> " (1 found)";
            default -> " (" + count + " found)";
        };
    }
}
